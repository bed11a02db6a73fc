import type { Env } from '../env.ts';

/** Where the cron's full rebuild runs. */
export interface RunnerChoice {
  runner: 'worker' | 'container';
  reason: string;
}

/**
 * The cron's choice: the Worker rebuild (the default), or the offline job in a Container through
 * the Workflow when the shop asks for it (`REBUILD_RUNNER = "container"`) and every binding it needs
 * is there (the archive, the Workflow, the Container); otherwise the Worker rebuilds and says why.
 */
export function chooseRunner(env: Pick<Env, 'REBUILD_RUNNER' | 'REBUILD_WORKFLOW' | 'REBUILD_JOB' | 'ARCHIVE'>): RunnerChoice {
  if ((env.REBUILD_RUNNER ?? 'worker') !== 'container') return { runner: 'worker', reason: 'REBUILD_RUNNER is worker (the default)' };
  const missing = [!env.ARCHIVE && 'ARCHIVE (R2)', !env.REBUILD_WORKFLOW && 'REBUILD_WORKFLOW', !env.REBUILD_JOB && 'REBUILD_JOB (Container)'].filter(Boolean);
  if (missing.length) return { runner: 'worker', reason: `REBUILD_RUNNER=container but ${missing.join(', ')} not bound: the Worker rebuilds` };
  return { runner: 'container', reason: 'REBUILD_RUNNER=container: the Workflow runs the offline job in a Container' };
}
