/**
 * Local state commands on a scratch state folder and keys file (EP_STATE_DIR, EP_DEV_VARS; never
 * the developer's): `npm start -- --no-demo`, `npm run demo` (refused over the user's own items),
 * `npm run reset` (refused while running; keys kept), and a `.dev.vars` a shell can source.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineClient } from '../../src/cli/engine-client.ts';
import { ROOT, ensureDevVars } from '../../src/cli/local-stack.ts';
import { freePort } from '../browser/shop-page.ts';
import { type NpmStart, npmStart } from '../support/npm-start.ts';

async function start(port: number, ...args: string[]) {
  const started = await npmStart(port, args, env);
  running.push(started);
  return started;
}

const dir = mkdtempSync(path.join(tmpdir(), 'ep-local-state-'));
const env = { ...process.env, EP_DEV_VARS: path.join(dir, 'test.vars'), EP_STATE_DIR: path.join(dir, 'state') };
const running: NpmStart[] = [];

afterAll(() => {
  for (const started of running) void started.stop();
  rmSync(dir, { recursive: true, force: true });
});

function npm(script: string, port: number) {
  const r = spawnSync('npm', ['run', '-s', script], { cwd: ROOT, env: { ...env, PORT: String(port) }, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('local state commands', () => {
  it('--no-demo starts empty; demo refuses a catalog of the user; reset keeps the keys; demo loads into the empty one', async () => {
    const port = await freePort();
    const first = await start(port, '--no-demo');
    expect(first.output).toContain('The catalog is empty (--no-demo)');
    const { keys } = ensureDevVars(env.EP_DEV_VARS);
    const engine = engineClient(`http://127.0.0.1:${port}`);
    await engine.putItems([{ id: 'my-own-1', title: 'My own product', categories: ['mine'] }], keys.admin);

    const refused = npm('demo', port);
    expect(refused.status).toBe(1);
    expect(refused.err).toMatch(/^error: the catalog holds items of your own \(my-own-1, \.\.\.\)/);
    expect(refused.err).not.toMatch(/\n\s+at /);
    const busy = npm('reset', port);
    expect(busy.status).toBe(1);
    expect(busy.err).toContain('an engine is running');
    await first.stop();

    const vars = readFileSync(env.EP_DEV_VARS, 'utf8');
    const reset = npm('reset', port);
    expect(reset.status, reset.err).toBe(0);
    expect(reset.out).toContain('Dropped the local state');
    expect(readFileSync(env.EP_DEV_VARS, 'utf8')).toBe(vars);

    const second = await start(port, '--no-demo');
    expect(second.output).toContain('The catalog is empty (--no-demo)');
    const demo = npm('demo', port);
    expect(demo.status, demo.err).toBe(0);
    expect(demo.out).toMatch(/Loaded the demo shop: 350 products, \d{4,} events/);
    const page = await engine.request<{ items: { id: string }[] }>('GET', '/v1/items?limit=1000', keys.admin);
    expect(page.items.map((i) => i.id)).not.toContain('my-own-1');
    expect(npm('demo', port).out).toContain('already loaded (350 products)');
    await second.stop();
  }, 600_000);

  it('writes .dev.vars so that a shell can source it, values with spaces included', () => {
    const file = path.join(dir, 'spaces.vars');
    writeFileSync(file, "INGEST_KEY=ing_1\nADMIN_KEY=adm_2\nSHOP_NAME=Tea & Co shop\nQUOTED='it is fine'\n# a comment\n");
    const { keys } = ensureDevVars(file);
    expect(keys).toMatchObject({ ingest: 'ing_1', admin: 'adm_2' });
    const sourced = spawnSync('sh', ['-c', `. '${file}' && printf '%s|%s|%s' "$SHOP_NAME" "$QUOTED" "$USER_TOKEN_SECRET"`], { encoding: 'utf8' });
    expect(sourced.stderr).toBe('');
    const [name, quoted, secret] = sourced.stdout.split('|');
    expect(name).toBe('Tea & Co shop');
    expect(quoted).toBe('it is fine');
    expect(secret).toMatch(/^uts_/);
    expect(ensureDevVars(file).keys.userTokenSecret).toBe(secret);
  });
});
