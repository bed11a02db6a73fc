import type { PartJob } from '../src/rebuild/build-part.ts';
import type { StartJob } from '../src/rebuild/run-rebuild.ts';
import { createApp } from '../src/http/app.ts';
import type { Env } from '../src/env.ts';
import { VERSION } from '../src/version.ts';
import { ARCHIVE_QUEUE_NAME, archiveConsumer, scheduledArchive } from './archive.ts';
import { scheduledFullRebuild } from './offline.ts';
import { audiences } from './audiences.ts';
import { campaigns, scheduledCampaigns } from './campaigns.ts';
import { catalog } from './catalog.ts';
import { chat, drainChatHandoffs } from './chat.ts';
import { collect } from './collect.ts';
import { experimentsApi } from './experiments.ts';
import { dashboard } from './dashboard.ts';
import { docs } from './docs.ts';
import { health } from './health.ts';
import { recommendations } from './recommend.ts';
import { rebuild, rebuildPartsConsumer } from './rebuild.ts';
import { reports, scheduledRollup } from './reports.ts';
import { rules } from './rules.ts';
import { searchRoutes } from './search.ts';
import { users } from './users.ts';
import { widgets } from './widgets.ts';

/** The engine's HTTP API: every function module mounted on one app. */
export const app = createApp(VERSION);
app.route('/', health);
app.route('/', docs);
app.route('/', collect);
app.route('/', catalog);
app.route('/', chat);
app.route('/', users);
app.route('/', audiences);
app.route('/', campaigns);
app.route('/', rebuild);
app.route('/', recommendations);
app.route('/', rules);
app.route('/', searchRoutes);
app.route('/', widgets);
app.route('/', experimentsApi);
app.route('/', reports);
app.route('/', dashboard);

export default {
  fetch: app.fetch,
  scheduled: async (controller, env, ctx) => {
    ctx.waitUntil(drainChatHandoffs(env).catch((err) => console.error('chat handoffs', err)));
    if (controller.cron === (env.TRENDING_CRON ?? '*/5 * * * *')) ctx.waitUntil(scheduledArchive(env).catch((err) => console.error('archive', err)));
    await Promise.all([scheduledFullRebuild(controller, env, ctx), scheduledRollup(controller, env), scheduledCampaigns(controller, env)]);
  },
  queue: (batch, env) =>
    batch.queue === ARCHIVE_QUEUE_NAME ? archiveConsumer(batch, env) : rebuildPartsConsumer(batch as MessageBatch<PartJob | StartJob>, env),
} satisfies ExportedHandler<Env>;

export { OfflineRebuildWorkflow, RebuildJobContainer } from './offline.ts';
