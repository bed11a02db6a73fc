/** The benchmarks as a user meets them: a bad setting is one line naming the variable and exit 2, before anything starts. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/cli/local-stack.ts';

function bench(script: string, env: Record<string, string>) {
  const r = spawnSync('npm', ['run', '-s', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, err: r.stderr };
}

describe('npm run bench:*', () => {
  it('refuses a setting that is not a number in range, naming it, with no stack trace', () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['bench:rollup', { BENCH_ROUNDS: 'abc' }, /^error: BENCH_ROUNDS must be an integer >= 1 \(got "abc"\)$/],
      ['bench:serve', { BENCH_SECONDS: '0' }, /^error: BENCH_SECONDS must be an integer >= 1 \(got "0"\)$/],
      ['bench:audiences', { BENCH_PROFILES: '1.5' }, /^error: BENCH_PROFILES must be an integer >= 1 \(got "1.5"\)$/],
    ];
    for (const [script, env, message] of cases) {
      const r = bench(script, env);
      expect(r.status, `${script}: ${r.err}`).toBe(2);
      expect(r.err.trim()).toMatch(message);
    }
  }, 120_000);
});
