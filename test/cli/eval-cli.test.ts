/** The eval CLI as a user meets it: output folders created, one-line errors with the right exit codes. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/cli/local-stack.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ep-eval-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function evalCli(...args: string[]) {
  const r = spawnSync('npm', ['run', '-s', 'eval', '--', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run eval', () => {
  it('convert creates the output folder', () => {
    writeFileSync(path.join(dir, 'u.data'), '1\t10\t5\t881250949\n2\t10\t4\t881250950\n');
    const out = path.join(dir, 'not', 'yet', 'events.csv');
    const r = evalCli('convert', '--from', 'movielens', '--in', path.join(dir, 'u.data'), '--out', out);
    expect(r.status, r.err).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8').split('\n')[1]).toBe('1,10,rating,5,881250949000');
  });

  it('answers user errors in one line, exit 1 for a missing file and 2 for a wrong argument, never a stack', () => {
    const missing = evalCli('--events', path.join(dir, 'nope.csv'));
    expect(missing.status).toBe(1);
    expect(missing.err.trim()).toBe(`error: --events ${path.join(dir, 'nope.csv')}: no such file`);
    const badK = evalCli('--events', path.join(dir, 'u.data'), '--k', 'abc');
    expect(badK.status).toBe(2);
    expect(badK.err).toMatch(/^error: --k must be a positive integer, not "abc"/);
    const unknown = evalCli('--bogus');
    expect(unknown.status).toBe(2);
    expect(unknown.err).toMatch(/^error: Unknown option '--bogus'/);
    for (const r of [missing, badK, unknown]) expect(r.err).not.toMatch(/\n\s+at /);
  });
});
