import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { readActivity } from '../src/activity/read.ts';
import { countDistinctShoppers } from '../src/activity/shoppers.ts';
import { upsertFaqs, patchFaq, listFaqs } from '../src/chat/faq-store.ts';
import { rebuildFaqIndex } from '../src/chat/index-store.ts';
import { dashboardGuard, sameOrigin } from '../src/dashboard/guard.ts';
import { LANG_COOKIE, chooseLang } from '../src/dashboard/i18n.ts';
import { DASHBOARD_CSP, type PageContext, STYLESHEET, pageContext, shell } from '../src/dashboard/layout.ts';
import { catalogPage } from '../src/dashboard/pages/catalog.ts';
import { chatPage } from '../src/dashboard/pages/chat.ts';
import { loginPage } from '../src/dashboard/pages/login.ts';
import { modelsPage } from '../src/dashboard/pages/models.ts';
import { overviewPage } from '../src/dashboard/pages/overview.ts';
import { recommendationsPage } from '../src/dashboard/pages/recommendations.ts';
import { experimentPage, experimentsPage } from '../src/dashboard/pages/experiments.ts';
import { audiencesPage } from '../src/dashboard/pages/audiences.ts';
import { exportMembers, toCsv, toJsonLines } from '../src/audiences/export-members.ts';
import { audiencesData, catalogData, chatData, experimentSummaries, lastDays, modelsData, recommendationDetail } from '../src/dashboard/queries.ts';
import { getExperiment, promoteArm, startExperiment, stopExperiment } from '../src/experiments/experiment-store.ts';
import { experimentResults } from '../src/experiments/results.ts';
import { forgetServingState } from '../src/experiments/serving-decision.ts';
import { ApiError } from '../src/http/errors.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, issueSession } from '../src/dashboard/session.ts';
import { openDatabase } from '../src/db/client.ts';
import { recommendationsReport } from '../src/reports/report-query.ts';
import { reportDays } from '../src/dashboard/report-days.ts';
import type { AppEnv } from '../src/http/app.ts';
import { sameSecret } from '../src/http/auth.ts';
import { startRebuild } from '../src/rebuild/deps.ts';
import { openTableStore } from '../src/tables/open-store.ts';

/** The shop's dashboard: server-rendered pages under `/dashboard`, signed in with the admin key. */
export const dashboard = new Hono<AppEnv>();

dashboard.use('/dashboard/*', async (c, next) => {
  await next();
  c.header('Content-Security-Policy', DASHBOARD_CSP);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
});
dashboard.use('/dashboard/*', dashboardGuard());

function context(c: Context<AppEnv>): PageContext {
  const query = c.req.query('lang');
  const lang = chooseLang(query, getCookie(c, LANG_COOKIE), c.req.header('accept-language'));
  if (query === lang) setCookie(c, LANG_COOKIE, lang, { path: '/dashboard', sameSite: 'Strict', maxAge: 365 * 86400 });
  return pageContext(lang, new URL(c.req.url).pathname);
}

/** Only a dashboard path may follow a sign-in (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(\/[a-z0-9-]+){0,2}$/.test(next) ? next : '/dashboard/overview';
}

dashboard.get('/dashboard/style.css', (c) => {
  c.header('Cache-Control', 'public, max-age=3600');
  return c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8' });
});

dashboard.get('/dashboard/login', (c) => c.html(loginPage(context(c), safeNext(c.req.query('next')), false)));

dashboard.post('/dashboard/login', async (c) => {
  if (!sameOrigin(c)) return c.text('Cross-site sign-in refused', 403);
  const form = await c.req.parseBody();
  const next = safeNext(form.next);
  if (typeof form.key !== 'string' || !(await sameSecret(form.key, c.env.ADMIN_KEY))) return c.html(loginPage(context(c), next, true), 401);
  const session = await issueSession(c.env.ADMIN_KEY);
  setCookie(c, SESSION_COOKIE, session.value, {
    path: '/dashboard',
    httpOnly: true,
    secure: new URL(c.req.url).protocol === 'https:',
    sameSite: 'Strict',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
  return c.redirect(next, 303);
});

dashboard.post('/dashboard/logout', (c) => {
  deleteCookie(c, SESSION_COOKIE, { path: '/dashboard', secure: new URL(c.req.url).protocol === 'https:' });
  return c.redirect('/dashboard/login', 303);
});

async function overview(c: Context<AppEnv>): Promise<Response> {
  const db = openDatabase(c.env.DB);
  const days = [7, 28, 90].includes(Number(c.req.query('days'))) ? Number(c.req.query('days')) : 28;
  const both = lastDays(days * 2, Date.now());
  const [previousDays, currentDays] = [both.slice(0, days), both.slice(days)];
  const [current, previous, shoppersNow, shoppersBefore] = await Promise.all([
    readActivity(db, currentDays),
    readActivity(db, previousDays),
    countDistinctShoppers(db, currentDays),
    countDistinctShoppers(db, previousDays),
  ]);
  const [recsNow, recsBefore] = await Promise.all([
    recommendationsReport(c.env.DB, { from: currentDays[0], to: currentDays[days - 1], by: 'day' }),
    recommendationsReport(c.env.DB, { from: previousDays[0], to: previousDays[days - 1], by: 'day' }),
  ]);
  const recs = { current: reportDays(recsNow, currentDays), previous: reportDays(recsBefore, previousDays) };
  return c.html(overviewPage(context(c), { days, current, previous, shoppers: { current: shoppersNow, previous: shoppersBefore }, recs }));
}

dashboard.get('/dashboard', overview);
dashboard.get('/dashboard/overview', overview);

dashboard.get('/dashboard/models', async (c) => {
  const flash = c.req.query('done') === 'rebuild' ? context(c).t.rebuildStarted : undefined;
  return c.html(modelsPage(context(c), await modelsData(openDatabase(c.env.DB), openTableStore(c.env)), flash));
});

dashboard.post('/dashboard/rebuild', async (c) => {
  await startRebuild(c.env, 'dashboard', (work) => c.executionCtx.waitUntil(work));
  return c.redirect('/dashboard/models?done=rebuild', 303);
});

dashboard.get('/dashboard/chat', async (c) => {
  const flash = c.req.query('done') === 'saved' ? context(c).t.saved : undefined;
  return c.html(chatPage(context(c), await chatData(openDatabase(c.env.DB), 28), flash));
});

dashboard.post('/dashboard/chat/phrasing', async (c) => {
  const form = await c.req.parseBody();
  const db = openDatabase(c.env.DB);
  const message = typeof form.message === 'string' ? form.message.trim().slice(0, 500) : '';
  const faq = typeof form.faq === 'string' ? (await listFaqs(db)).find((f) => f.id === form.faq) : undefined;
  if (!message || !faq) return c.text('Choose an FAQ and a question', 400);
  if (!faq.alternatives.includes(message)) await patchFaq(db, faq.id, { alternatives: [...faq.alternatives, message] });
  await rebuildFaqIndex(db, c.env.TABLES);
  return c.redirect('/dashboard/chat?done=saved', 303);
});

dashboard.post('/dashboard/chat/faq', async (c) => {
  const form = await c.req.parseBody();
  const question = typeof form.question === 'string' ? form.question.trim().slice(0, 500) : '';
  const answer = typeof form.answer === 'string' ? form.answer.trim().slice(0, 4000) : '';
  if (!question || !answer) return c.text('A new FAQ needs a question and an answer', 400);
  const db = openDatabase(c.env.DB);
  const lang = /\p{Script=Han}/u.test(question) ? 'zh' : 'en';
  await upsertFaqs(db, [{ id: `faq-${crypto.randomUUID().slice(0, 8)}`, question, alternatives: [], answer, tags: ['dashboard'], lang, enabled: true }]);
  await rebuildFaqIndex(db, c.env.TABLES);
  return c.redirect('/dashboard/chat?done=saved', 303);
});

dashboard.get('/dashboard/catalog', async (c) => c.html(catalogPage(context(c), await catalogData(openDatabase(c.env.DB), openTableStore(c.env)))));

dashboard.get('/dashboard/recommendations', async (c) => {
  const days = lastDays(28, Date.now());
  const range = { from: days[0], to: days[days.length - 1] };
  const [byDay, bySurface, detail] = await Promise.all([
    recommendationsReport(c.env.DB, { ...range, by: 'day' }),
    recommendationsReport(c.env.DB, { ...range, by: 'surface' }),
    recommendationDetail(openDatabase(c.env.DB), range.from!, range.to!),
  ]);
  return c.html(recommendationsPage(context(c), { byDay, bySurface, ...detail }));
});

dashboard.get('/dashboard/experiments', async (c) => c.html(experimentsPage(context(c), await experimentSummaries(openDatabase(c.env.DB), c.env.DB))));

/** The experiment's page, with a message (an error answers with its status). */
async function experimentView(c: Context<AppEnv>, id: string, flash?: string, status: ContentfulStatusCode = 200): Promise<Response> {
  const ctx = context(c);
  let experiment;
  try {
    experiment = await getExperiment(openDatabase(c.env.DB), id);
  } catch (err) {
    if (err instanceof ApiError)
      return c.html(shell(ctx, 'experiments', ctx.t.experiments, html`<p class="flash error" role="alert">${err.message}</p>`), err.status);
    throw err;
  }
  return c.html(experimentPage(ctx, experiment, await experimentResults(c.env.DB, experiment), flash, status !== 200), status);
}

const EXPERIMENT_DONE = { start: 'experimentStarted', stop: 'experimentStopped', promote: 'experimentPromoted' } as const;

dashboard.get('/dashboard/experiments/:id', async (c) => {
  const done = c.req.query('done');
  const flash = done && Object.hasOwn(EXPERIMENT_DONE, done) ? context(c).t[EXPERIMENT_DONE[done as keyof typeof EXPERIMENT_DONE]] : undefined;
  return experimentView(c, c.req.param('id'), flash);
});

dashboard.post('/dashboard/experiments/:id/:action{start|stop|promote}', async (c) => {
  const { id, action } = c.req.param();
  const db = openDatabase(c.env.DB);
  try {
    if (action === 'start') await startExperiment(db, id);
    else if (action === 'stop') await stopExperiment(db, id, 'stopped from the dashboard');
    else {
      const form = await c.req.parseBody();
      await promoteArm(db, id, typeof form.arm === 'string' ? form.arm : '');
    }
  } catch (err) {
    if (err instanceof ApiError) return experimentView(c, id, err.message, err.status);
    throw err;
  }
  forgetServingState();
  return c.redirect(`/dashboard/experiments/${id}?done=${action}`, 303);
});

dashboard.get('/dashboard/audiences', async (c) => c.html(audiencesPage(context(c), await audiencesData(openDatabase(c.env.DB)))));

/** Members per page of a dashboard export (one indexed read each). */
const EXPORT_PAGE = 5000;

/**
 * A segment's members as a download (the same lines as `GET /v1/admin/segments/:id/users`),
 * streamed page by page; `x-since` is the change mark for a later incremental export.
 */
dashboard.get('/dashboard/audiences/export', async (c) => {
  const segment = c.req.query('segment') ?? '';
  const csv = c.req.query('format') === 'csv';
  if (!segment || segment.length > 200) throw new ApiError(400, 'invalid_request', 'Give the segment id', 'segment');
  const db = openDatabase(c.env.DB);
  const first = await exportMembers(db, segment, undefined, EXPORT_PAGE);
  const columns = ['user', 'joinedAt', 'score'];
  const render = (lines: object[], header: boolean) => {
    if (!csv) return toJsonLines(lines);
    const text = toCsv(columns, lines);
    return header ? text : text.slice(text.indexOf('\r\n') + 2);
  };
  const encoder = new TextEncoder();
  let cursor = first.nextCursor;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(render(first.lines, true)));
      if (cursor === null) controller.close();
    },
    async pull(controller) {
      const page = await exportMembers(db, segment, cursor!, EXPORT_PAGE);
      if (page.lines.length) controller.enqueue(encoder.encode(render(page.lines, false)));
      cursor = page.nextCursor;
      if (cursor === null) controller.close();
    },
  });
  const file = `${segment.replace(/[^a-z0-9-]+/gi, '_')}.${csv ? 'csv' : 'jsonl'}`;
  return new Response(body, {
    headers: {
      'content-type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="${file}"`,
      'x-since': String(first.since),
      'cache-control': 'no-store',
    },
  });
});
