import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './args.ts';

/** The project root (two levels above this file). */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Environment for wrangler on a machine with no internet: no metrics, no fetch of Cloudflare's edge data. */
export const OFFLINE_ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: 'true' };

/** A fresh scratch state folder under `.wrangler/` (created on a fresh clone too), for a run's own local D1 and KV. */
export function scratchState(prefix: string): string {
  mkdirSync(path.join(ROOT, '.wrangler'), { recursive: true });
  return mkdtempSync(path.join(ROOT, '.wrangler', prefix));
}

const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** The local keys, as in `.dev.vars`. */
export interface Keys {
  ingest: string;
  admin: string;
  /** Secret user tokens are signed with (added to an older `.dev.vars` that lacks it). */
  userTokenSecret: string;
}

/**
 * The local keys file: `.dev.vars`, or `EP_DEV_VARS` (the tests' own, so they never read the
 * developer's keys).
 */
export function devVarsPath(): string {
  return process.env.EP_DEV_VARS ?? path.join(ROOT, '.dev.vars');
}

/** Where local D1/KV state lives: `EP_STATE_DIR` (the tests' scratch folder), else wrangler's default. */
export function localStateDir(): string | undefined {
  return process.env.EP_STATE_DIR;
}

/** A `.dev.vars` line a POSIX shell can source (`. ./.dev.vars`) and wrangler's dotenv reads alike. */
function shellLine(name: string, value: string): string {
  return /^[\w.:/@%+,=-]*$/.test(value) ? `${name}=${value}` : `${name}='${value.replaceAll("'", "'\\''")}'`;
}

/**
 * Reads `.dev.vars`, creating it with random keys when it is missing; a value a shell could not
 * source (a space, a quote) is rewritten quoted, and a missing `USER_TOKEN_SECRET` is added.
 */
export function ensureDevVars(file = devVarsPath()): { keys: Keys; created: boolean } {
  const created = !existsSync(file);
  const key = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;
  if (created) writeFileSync(file, `INGEST_KEY=${key('ing')}\nADMIN_KEY=${key('adm')}\nUSER_TOKEN_SECRET=${key('uts')}\n`, { mode: 0o600 });
  const text = readFileSync(file, 'utf8');
  const vars: Record<string, string> = {};
  const lines = text.split('\n').map((line) => {
    const m = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
    if (!m || / #/.test(m[2]!)) return line;
    const raw = m[2]!;
    const quoted = raw.match(/^(['"])(.*)\1$/);
    const value = quoted ? quoted[2]!.replaceAll(`'\\''`, "'") : raw;
    vars[m[1]!] = value;
    return quoted ? line : shellLine(m[1]!, value);
  });
  if (!vars.USER_TOKEN_SECRET) lines.push(`USER_TOKEN_SECRET=${(vars.USER_TOKEN_SECRET = key('uts'))}`, '');
  const next = lines.join('\n');
  if (next !== text) writeFileSync(file, next);
  if (!vars.INGEST_KEY || !vars.ADMIN_KEY) throw new UserError(`${file} must define INGEST_KEY and ADMIN_KEY (delete it to get new keys)`);
  return { keys: { ingest: vars.INGEST_KEY, admin: vars.ADMIN_KEY, userTokenSecret: vars.USER_TOKEN_SECRET }, created };
}

/** Runs wrangler (with this process's Node, which is the project's Node 22 under npm). */
export function wrangler(args: string[], options: { quiet?: boolean; persistTo?: string } = {}): void {
  const persistTo = options.persistTo ?? localStateDir();
  const persist = persistTo ? ['--persist-to', persistTo] : [];
  const result = spawnSync(process.execPath, [WRANGLER, ...args, ...persist], {
    cwd: ROOT,
    env: OFFLINE_ENV,
    stdio: options.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stdout ?? ''}${result.stderr ?? ''}`);
}

/**
 * Runs one SQL query on the local D1 (outside the Worker) and returns its rows. A running engine
 * may hold SQLite's write lock for a moment: a query that finds the database locked is tried
 * again, up to 10 times, 300 ms apart.
 */
export function queryLocalD1<T = Record<string, unknown>>(sql: string, persistTo = localStateDir()): T[] {
  const persist = persistTo ? ['--persist-to', persistTo] : [];
  for (let attempt = 1; ; attempt++) {
    const result = spawnSync(process.execPath, [WRANGLER, 'd1', 'execute', 'DB', '--local', '--json', '--command', sql, ...persist], {
      cwd: ROOT,
      env: OFFLINE_ENV,
      encoding: 'utf8',
    });
    if (result.status === 0) return (JSON.parse(result.stdout) as { results: T[] }[])[0]?.results ?? [];
    const output = `${result.stdout}${result.stderr}`;
    if (attempt >= 10 || !/SQLITE_BUSY|database is locked/.test(output)) throw new Error(`d1 execute failed:\n${output}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  }
}

/** Applies the D1 migrations to the local database. */
export function migrateLocal(persistTo?: string): void {
  wrangler(['d1', 'migrations', 'apply', 'DB', '--local'], { quiet: true, persistTo });
}

/** A running `wrangler dev`. */
export interface LocalStack {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  port: number;
  /** Where local D1/KV state lives (default `.wrangler/state`). Benchmarks use a scratch folder. */
  persistTo?: string;
  /** `--var NAME:value` overrides. */
  vars?: Record<string, string>;
  /** Print wrangler's own output. */
  verbose?: boolean;
  /** Leave wrangler's error log out of this process's stderr (it still goes to wrangler's log file). */
  quietErrors?: boolean;
  /** Serve the sources of this folder (its `wrangler.toml`) instead of the project's. */
  sourceDir?: string;
  /** Variables file instead of `.dev.vars` (default `EP_DEV_VARS` when set). */
  envFile?: string;
}

/** Starts `wrangler dev --local` and resolves once `/health` answers. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dir = options.sourceDir ?? ROOT;
  const args = [
    WRANGLER,
    'dev',
    '--config',
    path.join(dir, 'wrangler.toml'),
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--test-scheduled',
    '--show-interactive-dev-session=false',
    '--log-level',
    options.verbose ? 'info' : 'warn',
  ];
  const persistTo = options.persistTo ?? localStateDir();
  if (persistTo) args.push('--persist-to', persistTo);
  // With --env-file wrangler reads that file and not .dev.vars.
  const envFile = options.envFile ?? process.env.EP_DEV_VARS;
  if (envFile) args.push('--env-file', envFile);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push('--var', `${name}:${value}`);
  // Its own process group: wrangler starts esbuild and workerd, and stopping signals them all.
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: OFFLINE_ENV,
    stdio: ['ignore', options.verbose ? 'inherit' : 'pipe', options.quietErrors ? 'ignore' : 'inherit'],
    detached: true,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${options.port}`;
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`wrangler dev (pid ${child.pid}) exited unexpectedly: code ${code}, signal ${signal}${log ? `\n${log}` : ''}`);
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => {
        signalGroup(child, 'SIGKILL');
        resolve();
      });
      signalGroup(child, 'SIGTERM');
      setTimeout(() => signalGroup(child, 'SIGKILL'), 5000).unref();
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

const running = new Set<ChildProcess>();

/** Kills every stack this process started and has not stopped (for a signal arriving during startup). */
export function killRunningStacks(): void {
  for (const child of running) signalGroup(child, 'SIGKILL');
}

/** Signals a child's whole process group (wrangler, esbuild, workerd); nothing if it is gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
}
