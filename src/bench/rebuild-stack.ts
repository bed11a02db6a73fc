/**
 * `wrangler dev` on a snapshot of the Worker's sources. wrangler dev watches the files it
 * bundled and restarts the Worker when one changes; in a repository where others edit
 * `src/` while a 10-minute benchmark runs, that kills a rebuild mid-way ("Your worker
 * restarted mid-request") and leaves its lease held. So the benchmark copies `functions/`,
 * `src/`, `migrations/`, `wrangler.toml`, `tsconfig.json` and `.dev.vars` once into a scratch
 * folder under `.wrangler/` (git-ignored, removed at the end) and serves that copy: the same
 * code, frozen for the run. Otherwise it starts wrangler like `startLocalStack` does.
 */
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type LocalStack, type LocalStackOptions, OFFLINE_ENV, ROOT } from '../cli/local-stack.ts';

const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const COPIED = ['functions', 'src', 'migrations', 'wrangler.toml', 'tsconfig.json', 'package.json', '.dev.vars'];

/** A frozen copy of the Worker's sources; `remove()` deletes it. */
export interface Snapshot {
  dir: string;
  remove(): void;
}

/** Copies the Worker's sources into `.wrangler/bench-rebuild-app-*` (modules resolve from the project's node_modules above it). */
export function snapshotSources(): Snapshot {
  const dir = mkdtempSync(path.join(ROOT, '.wrangler', 'bench-rebuild-app-'));
  for (const name of COPIED) {
    const from = path.join(ROOT, name);
    if (existsSync(from)) cpSync(from, path.join(dir, name), { recursive: true });
  }
  if (existsSync(path.join(dir, '.dev.vars'))) chmodSync(path.join(dir, '.dev.vars'), 0o600);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `wrangler dev --local` on the snapshot and resolves once `/health` answers (bounded: 90 s). */
export async function startSnapshotStack(snapshot: Snapshot, options: LocalStackOptions): Promise<LocalStack> {
  const args = [WRANGLER, 'dev', '--config', path.join(snapshot.dir, 'wrangler.toml'), '--local', '--ip', '127.0.0.1', '--port', String(options.port), '--test-scheduled', '--show-interactive-dev-session=false', '--log-level', options.verbose ? 'info' : 'warn'];
  if (options.persistTo) args.push('--persist-to', options.persistTo);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push('--var', `${name}:${value}`);
  const child = spawn(process.execPath, args, { cwd: snapshot.dir, env: OFFLINE_ENV, stdio: ['ignore', options.verbose ? 'inherit' : 'pipe', 'inherit'] });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${options.port}`;
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`  wrangler dev (pid ${child.pid}) exited unexpectedly: code ${code}, signal ${signal}${log ? `\n${log}` : ''}`);
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, process: child, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer /health within 90 s:\n${log}`);
}
