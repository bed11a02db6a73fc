/**
 * `wrangler dev` on a snapshot of the Worker's sources. wrangler dev watches the files it
 * bundled and restarts the Worker when one changes; in a repository where others edit
 * `src/` while a 10-minute benchmark runs, that kills a rebuild mid-way ("Your worker
 * restarted mid-request") and leaves its lease held. So the benchmark copies `functions/`,
 * `src/`, `migrations/`, `wrangler.toml`, `tsconfig.json` and `.dev.vars` once into a scratch
 * folder under `.wrangler/` (git-ignored, removed at the end) and serves that copy with
 * `startLocalStack`: the same code, frozen for the run.
 */
import { chmodSync, cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type LocalStack, type LocalStackOptions, ROOT, startLocalStack, scratchState } from '../cli/local-stack.ts';

const COPIED = ['functions', 'src', 'migrations', 'wrangler.toml', 'tsconfig.json', 'package.json', '.dev.vars'];

/** A frozen copy of the Worker's sources; `remove()` deletes it. */
export interface Snapshot {
  dir: string;
  remove(): void;
}

/** Copies the Worker's sources into `.wrangler/bench-rebuild-app-*` (modules resolve from the project's node_modules above it). */
export function snapshotSources(): Snapshot {
  const dir = scratchState('bench-rebuild-app-');
  for (const name of COPIED) {
    const from = path.join(ROOT, name);
    if (existsSync(from)) cpSync(from, path.join(dir, name), { recursive: true });
  }
  if (existsSync(path.join(dir, '.dev.vars'))) chmodSync(path.join(dir, '.dev.vars'), 0o600);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `wrangler dev --local` on the snapshot and resolves once `/health` answers (bounded: 90 s). */
export function startSnapshotStack(snapshot: Snapshot, options: LocalStackOptions): Promise<LocalStack> {
  return startLocalStack({ ...options, vars: { RATE_LIMITS: 'off', ...options.vars }, sourceDir: snapshot.dir });
}
