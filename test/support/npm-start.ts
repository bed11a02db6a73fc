import { type ChildProcess, spawn } from 'node:child_process';
import { ROOT } from '../../src/cli/local-stack.ts';

/** A running `npm start` of the tests. */
export interface NpmStart {
  child: ChildProcess;
  /** What it printed until it was ready. */
  output: string;
  /** SIGTERM to the npm process alone, resolved when it has exited. */
  stop(): Promise<void>;
}

/** Runs `npm start -- ARGS` on `port` and resolves once it prints that it is ready. */
export async function npmStart(port: number, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<NpmStart> {
  const child = spawn('npm', ['start', '--', ...args], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) resolve();
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => reject(new Error(`npm start exited early (${code}):\n${output}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, output, stop };
}
