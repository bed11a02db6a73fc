/**
 * `npm start` under a process supervisor: SIGTERM to the npm process alone must stop
 * everything it started (node, wrangler, esbuild, workerd), so the port is free again.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../browser/shop-page.ts';
import { npmStart } from '../support/npm-start.ts';

/** Pids whose command line names the port (wrangler's `--port N`, workerd's `entry=127.0.0.1:N`). */
function processesOnPort(port: number): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (cmdline.includes(`--port ${port} `) || cmdline.includes(`127.0.0.1:${port} `)) found.push(`${pid} ${cmdline.slice(0, 160)}`);
  }
  return found;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const scratch = mkdtempSync(path.join(tmpdir(), 'ep-start-signals-'));
/** Its own keys and state, never the developer's. */
const scratchEnv = { ...process.env, EP_DEV_VARS: path.join(scratch, 'test.vars'), EP_STATE_DIR: path.join(scratch, 'state') };
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm start', () => {
  it('leaves no process on its port after SIGTERM to the npm process alone', async () => {
    const port = await freePort();
    const npm = (await npmStart(port, ['--no-demo'], scratchEnv)).child;
    expect(await listening(port)).toBe(true);
    expect(processesOnPort(port).length).toBeGreaterThan(0);

    const exited = new Promise((resolve) => npm.once('exit', resolve));
    process.kill(npm.pid!, 'SIGTERM');
    await exited;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && ((await listening(port)) || processesOnPort(port).length)) await new Promise((r) => setTimeout(r, 250));
    expect(processesOnPort(port)).toEqual([]);
    expect(await listening(port)).toBe(false);
  }, 300_000);
});
