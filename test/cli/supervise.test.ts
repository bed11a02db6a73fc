/**
 * The CLI's parent (src/offline/supervise.ts) closes a run whose process died before recording
 * it: a real child that reaches V8's heap cap, one that records its run and fails on its own,
 * and the run and lease closed in the local D1 (abandonRun).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { applyMigrations, type LocalBindings, openLocalBindings } from '../../src/offline/local-bindings.ts';
import { abandonedError, superviseJob } from '../../src/offline/supervise.ts';
import { acquireLease } from '../../src/rebuild/lease.ts';
import { REBUILD_LEASE, abandonRun } from '../../src/rebuild/run-rebuild.ts';
import { getRun, recordRunStart, recordRunStatus } from '../../src/rebuild/runs.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'supervise-'));
let local: LocalBindings;
beforeAll(async () => {
  local = await openLocalBindings(path.join(scratch, 'state'));
  await applyMigrations(local.d1, path.join(ROOT, 'migrations'));
});
afterAll(async () => {
  await local.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, body);
  return file;
}

describe('the offline job under its parent', () => {
  it('names the run a child left behind when V8 aborted it at its heap cap', async () => {
    const file = script('oom.mjs', "process.send({ run: 'v-oom' });\nconst held = [];\nfor (;;) held.push(new Array(100_000).fill(Math.random()));\n");
    const exit = await superviseJob(['--max-old-space-size=24'], [file], process.env);
    expect(exit).toEqual({ code: null, signal: 'SIGABRT', abandoned: 'v-oom' });
    expect(abandonedError(exit)).toMatch(/killed by SIGABRT \(V8 aborts so at its heap cap/);
  }, 60_000);

  it('leaves alone a run the child recorded before it exited with a failure', async () => {
    const file = script('failed.mjs', "process.send({ run: 'v-ok' });\nprocess.send({ recorded: 'v-ok' });\nprocess.exitCode = 1;\n");
    expect(await superviseJob([], [file], process.env)).toEqual({ code: 1, signal: null });
  });

  it('closes the abandoned run as failed and frees the lease for the next rebuild', async () => {
    const db = openDatabase(local.d1);
    const now = Date.now();
    expect(await acquireLease(db, REBUILD_LEASE, 'v-dead', 6 * 3600_000, now)).toBe(true);
    await recordRunStart(db, 'v-dead', 'offline', 'running', now);
    expect(await acquireLease(db, REBUILD_LEASE, 'v-next', 6 * 3600_000, now)).toBe(false);

    const error = abandonedError({ code: null, signal: 'SIGKILL' });
    expect(await abandonRun(db, 'v-dead', error, now + 1000)).toBe(true);
    expect(await getRun(db, 'v-dead')).toMatchObject({ status: 'failed', error, finishedAt: now + 1000 });
    expect(await acquireLease(db, REBUILD_LEASE, 'v-next', 6 * 3600_000, now)).toBe(true);

    await recordRunStart(db, 'v-done', 'offline', 'running', now);
    await recordRunStatus(db, 'v-done', 'published', {}, null, now + 5);
    expect(await abandonRun(db, 'v-done', error)).toBe(false);
    expect(await getRun(db, 'v-done')).toMatchObject({ status: 'published', error: null });
  });
});
