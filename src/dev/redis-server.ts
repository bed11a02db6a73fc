import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RedisConnection } from './redis-connection.ts';

/** Thrown by `startRedisServer` when the redis-server binary does not exist. */
export class RedisServerNotFoundError extends Error {
  override name = 'RedisServerNotFoundError';
}

/** A throwaway redis-server child process. */
export interface RedisServer {
  port: number;
  /** The redis-server process (benchmarks hang and kill it). */
  pid: number;
  close(): Promise<void>;
}

export interface RedisServerOptions {
  /** Port to listen on; default: a free port. */
  port?: number;
  /** Binary to run; default: $REDIS_SERVER_BIN or `redis-server` on PATH. */
  bin?: string;
  /** How long to wait for PING to answer; default 10 s. */
  timeoutMs?: number;
}

/**
 * Spawns `redis-server` on 127.0.0.1 with persistence off and its working
 * directory in a fresh temp dir, and resolves once PING answers. Rejects with
 * `RedisServerNotFoundError` when the binary is missing, and with the server's
 * own output when it exits early (port taken, bad flag).
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options.port ?? (await freePort()), options);
    } catch (error) {
      // A free port can be taken before redis-server binds it: retry on another.
      if (options.port !== undefined || attempt >= 3 || error instanceof RedisServerNotFoundError) throw error;
    }
  }
}

async function startOnce(port: number, options: RedisServerOptions): Promise<RedisServer> {
  const bin = options.bin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'redis-'));
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const close = async () => {
    process.off('exit', killOnExit);
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  };

  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new RedisServerNotFoundError(
              `redis-server is not installed (could not run "${bin}"). Install it (Debian/Ubuntu: apt-get install redis-server) or set REDIS_SERVER_BIN.`,
            )
          : error,
      ),
    );
    child.once('exit', (code, signal) => reject(new Error(`redis-server exited during startup (code ${code}, signal ${signal}) on port ${port}:\n${output}`)));
  });
  exited.catch(() => {});
  try {
    await Promise.race([exited, waitForPing(port, options.timeoutMs ?? 10_000)]);
  } catch (error) {
    await close();
    throw error;
  }
  return { port, pid: child.pid!, close };
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await RedisConnection.connect(port);
      try {
        const [reply] = await connection.send([['PING']]);
        if (reply === 'PONG') return;
      } finally {
        await connection.close();
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exit = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exit;
  clearTimeout(timer);
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
