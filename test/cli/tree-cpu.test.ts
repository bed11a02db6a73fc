/** The bench's CPU figure (treeCpuSeconds): a process's own CPU, its running children's, and its reaped children's. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { treeCpuSeconds } from '../../src/bench/rebuild-proc.ts';

/** A Node child that uses `seconds` of CPU (by its own count), says so on stdout, then waits for stdin to close. */
function burner(seconds: number) {
  const script = `const s = process.cpuUsage(); while ((process.cpuUsage(s).user + process.cpuUsage(s).system) / 1e6 < ${seconds}) {} console.log('burnt'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;
  return spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
}

describe('treeCpuSeconds', () => {
  it('counts a running child, and keeps counting it once it has ended and been reaped', async () => {
    const before = treeCpuSeconds(process.pid);
    const child = burner(0.6);
    await once(child.stdout, 'data');
    const running = treeCpuSeconds(process.pid) - before;
    expect(running).toBeGreaterThanOrEqual(0.5);
    child.stdin.end();
    await once(child, 'exit');
    const reaped = treeCpuSeconds(process.pid) - before;
    expect(reaped).toBeGreaterThanOrEqual(0.5);
    expect(reaped).toBeGreaterThanOrEqual(running - 0.05);
  });
});
