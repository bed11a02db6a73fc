import type { Env } from '../env.ts';

/** Where the cron's full rebuild runs. */
export interface RunnerChoice {
  runner: 'worker' | 'container';
  reason: string;
}

/** The job's own settings the Worker must hold for the Container (variables and secrets), beside the bindings. */
export type JobSettings = Partial<
  Record<'ARCHIVE_R2_URL' | 'CLOUDFLARE_ACCOUNT_ID' | 'CLOUDFLARE_API_TOKEN' | 'D1_DATABASE_ID' | 'KV_NAMESPACE_ID' | 'TABLE_STORE', unknown>
>;

/**
 * The cron's choice: the Worker rebuild (the default), or the offline job in a Container through
 * the Workflow when the shop asks for it (`REBUILD_RUNNER = "container"`), every binding it needs
 * is there (the archive, the Workflow, the Container) and the job's settings are set (the archive's
 * R2 URL, D1's and KV's REST API ids and token; KV's only when publishing to KV); otherwise the
 * Worker rebuilds and says why.
 */
export function chooseRunner(env: Pick<Env, 'REBUILD_RUNNER' | 'REBUILD_WORKFLOW' | 'REBUILD_JOB' | 'ARCHIVE'> & JobSettings): RunnerChoice {
  if ((env.REBUILD_RUNNER ?? 'worker') !== 'container') return { runner: 'worker', reason: 'REBUILD_RUNNER is worker (the default)' };
  const missing = [!env.ARCHIVE && 'ARCHIVE (R2)', !env.REBUILD_WORKFLOW && 'REBUILD_WORKFLOW', !env.REBUILD_JOB && 'REBUILD_JOB (Container)'].filter(Boolean);
  if (missing.length) return { runner: 'worker', reason: `REBUILD_RUNNER=container but ${missing.join(', ')} not bound: the Worker rebuilds` };
  const needed: (keyof JobSettings)[] = ['ARCHIVE_R2_URL', 'CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_API_TOKEN', 'D1_DATABASE_ID'];
  if (env.TABLE_STORE !== 'redis') needed.push('KV_NAMESPACE_ID');
  const unset = needed.filter((k) => typeof env[k] !== 'string' || !env[k]);
  if (unset.length) return { runner: 'worker', reason: `REBUILD_RUNNER=container but ${unset.join(', ')} not set for the job: the Worker rebuilds` };
  return { runner: 'container', reason: 'REBUILD_RUNNER=container: the Workflow runs the offline job in a Container' };
}

/** The offline job's process in its Container: the command line and the environment it gets. */
export interface JobCommand {
  entrypoint: string[];
  env: Record<string, string>;
}

/** Settings and secrets the job reads from its environment (R2's S3 API, D1's and KV's REST APIs, Upstash, the rebuild's knobs). */
const JOB_ENV = [
  'R2_ACCESS_KEY_ID',
  'R2_SECRET_ACCESS_KEY',
  'CLOUDFLARE_ACCOUNT_ID',
  'CLOUDFLARE_API_TOKEN',
  'D1_DATABASE_ID',
  'D1_API_BASE_URL',
  'KV_NAMESPACE_ID',
  'KV_API_BASE_URL',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'REBUILD_WINDOW_DAYS',
  'REBUILD_K',
  'REBUILD_MEMORY_LIMIT',
  'REBUILD_PROFILE_WORKERS',
] as const;

/**
 * The job as the Workflow's Container starts it (the image's `node src/offline/cli.ts`): the archive
 * in R2 (`ARCHIVE_R2_URL`), the catalog from the snapshot the Workflow wrote there, the run record
 * and lease in the shop's D1 through its REST API (`--d1 rest`), the tables to `TABLE_STORE`
 * (`kv` through the KV REST API, or `redis`); the settings in `JOB_ENV` passed when set.
 */
export function jobCommand(env: Readonly<Record<string, unknown>>): JobCommand {
  const text = (key: string) => (typeof env[key] === 'string' ? (env[key] as string) : '');
  return {
    entrypoint: [
      'node',
      'src/offline/cli.ts',
      '--temp',
      '/tmp/spill',
      '--archive',
      text('ARCHIVE_R2_URL'),
      '--catalog',
      'archive',
      '--d1',
      'rest',
      '--publish',
      text('TABLE_STORE') || 'kv',
    ],
    env: Object.fromEntries(JOB_ENV.filter((k) => text(k)).map((k) => [k, text(k)])),
  };
}
