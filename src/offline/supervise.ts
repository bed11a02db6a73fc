/**
 * The CLI's parent process: it runs the job again in a child with the heap cap and allocator
 * settings (which V8, glibc and jemalloc read at start), and learns from the child which run it
 * recorded. A child that dies before recording how the run ended (V8 aborting at its heap cap,
 * the kernel's OOM killer) cannot say so itself; the parent then closes the run as failed and
 * frees the lease, instead of leaving it `running` for the lease's six hours.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** What the child tells its parent over the IPC channel. */
export type JobMessage = { run: string } | { recorded: string };

/** How the child ended, and the run it started but never recorded an outcome for. */
export interface JobExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The run left `running` by a child that ended before recording it. */
  abandoned?: string;
}

/** Runs `node [nodeArgs] script [args]` as the job's child (stdio inherited, an IPC channel) and waits for it; SIGINT and SIGTERM are passed on. */
export async function superviseJob(nodeArgs: readonly string[], args: readonly string[], env: NodeJS.ProcessEnv): Promise<JobExit> {
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env });
  let running: string | undefined;
  child.on('message', (message: JobMessage) => {
    if ('run' in message) running = message.run;
    else if (message.recorded === running) running = undefined;
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  process.off('SIGINT', forward).off('SIGTERM', forward);
  return { code, signal, ...(running ? { abandoned: running } : {}) };
}

/** In the child: tells the parent (if there is one) a message about the run. */
export function tellParent(message: JobMessage): void {
  process.send?.(message);
}

/** The error a run abandoned by its process is closed with. */
export function abandonedError(exit: JobExit): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const why =
    exit.signal === 'SIGABRT' ? ' (V8 aborts so at its heap cap: --memory-limit sets it)' : exit.signal === 'SIGKILL' ? ' (the OOM killer, or a stop)' : '';
  return `the job's process ${how}${why} before it recorded the run`;
}
