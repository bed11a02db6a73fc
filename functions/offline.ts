import { DurableObject, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers';
import { r2ArchiveBucket } from '../src/archive/bucket.ts';
import { openDatabase } from '../src/db/client.ts';
import type { Env } from '../src/env.ts';
import { chooseRunner, jobCommand } from '../src/offline/runner.ts';
import { type OfflineJob, type Steps, offlineRebuildSteps } from '../src/offline/workflow-steps.ts';
import { scheduledRebuild } from './rebuild.ts';

type Params = { runId: string; at: number };

/** The rebuild cron: the Worker rebuild, or (REBUILD_RUNNER=container) a Workflow instance that runs the offline job. */
export async function scheduledFullRebuild(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  if (controller.cron !== (env.TRENDING_CRON ?? '*/5 * * * *')) {
    const choice = chooseRunner(env);
    if (choice.runner === 'container') {
      const at = Date.now();
      const runId = `offline-${at.toString(36)}`;
      await env.REBUILD_WORKFLOW!.create({ id: runId, params: { runId, at } });
      console.log(`rebuild: ${choice.reason} (${runId})`);
      return;
    }
    if (env.REBUILD_RUNNER === 'container') console.log(`rebuild: ${choice.reason}`);
  }
  await scheduledRebuild(controller, env, ctx);
}

/** The Workflow (wrangler.toml `[[workflows]]`, see src/offline/README.md): archive, start the job, wait, read its run. */
export class OfflineRebuildWorkflow extends WorkflowEntrypoint<Env, Params> {
  override async run(event: Readonly<WorkflowEvent<Params>>, step: WorkflowStep) {
    const env = this.env;
    const steps: Steps = {
      do: (name, callback) => step.do(name, callback as () => Promise<never>),
      sleep: (name, duration) => step.sleep(name, duration as `${number} minute`),
    };
    return offlineRebuildSteps(openDatabase(env.DB), r2ArchiveBucket(env.ARCHIVE!), jobIn(env.REBUILD_JOB!), steps, {
      runId: event.payload.runId,
      startedAt: event.payload.at,
    });
  }
}

/** The offline job through the Durable Object that owns its Container (one job at a time). */
function jobIn(namespace: DurableObjectNamespace): OfflineJob {
  const stub = () => namespace.get(namespace.idFromName('rebuild-job')) as unknown as OfflineJob;
  return { start: (runId) => stub().start(runId), status: (runId) => stub().status(runId) };
}

/**
 * The Durable Object of the job's Container (wrangler.toml `[[containers]]`, image ./Dockerfile):
 * starts the job (src/offline/cli.ts, image src/offline/Dockerfile) as `jobCommand` says (the archive
 * in R2, D1 and the table store through their REST APIs), and tells whether it still runs.
 */
export class RebuildJobContainer extends DurableObject<Env & Record<string, string | undefined>> implements OfflineJob {
  async start(runId: string): Promise<void> {
    const container = this.ctx.container;
    if (!container) throw new Error('this Durable Object has no Container (wrangler.toml [[containers]])');
    if (container.running && (await this.ctx.storage.get('run')) === runId) return;
    container.start({ ...jobCommand(this.env), enableInternet: true });
    await this.ctx.storage.put({ run: runId, ended: null });
    this.ctx.waitUntil(
      container.monitor().then(
        () => this.ctx.storage.put('ended', 'exited'),
        () => this.ctx.storage.put('ended', 'failed'),
      ),
    );
  }

  async status(runId: string): Promise<'running' | 'exited' | 'failed'> {
    if ((await this.ctx.storage.get('run')) !== runId) return 'failed';
    if (this.ctx.container?.running) return 'running';
    return ((await this.ctx.storage.get('ended')) as 'exited' | 'failed' | null) ?? 'exited';
  }
}
