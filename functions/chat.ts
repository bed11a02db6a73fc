import { createRoute, z } from '@hono/zod-openapi';
import { answerChat } from '../src/chat/answer-chat.ts';
import { productAdvisor } from '../src/serve/product-advisor.ts';
import { parseFaqImport } from '../src/chat/faq-import.ts';
import { loadContext, loadTranscript, recordTurn } from '../src/chat/conversation/session-store.ts';
import {
  ChatReplySchema,
  ChatRequestSchema,
  FaqInputSchema,
  FaqPatchSchema,
  FaqSchema,
  MAX_MESSAGE_CHARS,
  type ChatReply,
  type ChatRequest,
} from '../src/chat/faq-schema.ts';
import { drainHandoffs, enqueueHandoff } from '../src/chat/handoff/outbox.ts';
import { recordFeedback } from '../src/chat/learning/feedback.ts';
import { resolveMiss } from '../src/chat/learning/resolve.ts';
import { cachedEmbedder, workersAiEmbedder, type Embedder } from '../src/chat/semantic/embedder.ts';
import { loadFaqVectors, semanticSearch } from '../src/chat/semantic/semantic-search.ts';
import { ChatSettingsSchema, loadChatSettings, saveChatSettings } from '../src/chat/settings.ts';
import { listFaqs, loadSynonyms, patchFaq, replaceSynonyms, upsertFaqs } from '../src/chat/faq-store.ts';
import { loadFaqIndex, rebuildFaqIndex } from '../src/chat/index-store.ts';
import type { ProductAdvisor } from '../src/chat/intent.ts';
import { listMissGroups, logMiss, proposeFaqs } from '../src/chat/misses.ts';
import { CHAT_LIMITS, createRateLimiter } from '../src/chat/rate-limit.ts';
import { IdSchema } from '../src/collect/event-schema.ts';
import { openDatabase, type Database } from '../src/db/client.ts';
import type { Env } from '../src/env.ts';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { rateLimit } from '../src/limits/rate-limit.ts';
import { ApiError, ErrorSchema } from '../src/http/errors.ts';
import { publicError } from '../src/security/public-error.ts';
import { errorResponses as errors, jsonContent as json, notFoundResponse as notFound } from '../src/http/openapi.ts';

const admin = [{ adminKey: [] }];
const FaqParams = z.object({ id: IdSchema.openapi({ param: { name: 'id', in: 'path' } }) });
const Rebuilt = z.object({ version: z.string(), entries: z.number().int(), bytes: z.number().int() });
const SynonymsSchema = z.object({ groups: z.array(z.array(z.string().trim().min(1).max(50)).min(2).max(20)).max(500) }).openapi('ChatSynonyms');
const FeedbackSchema = z.object({ session: IdSchema, turn: z.number().int().min(1), helpful: z.boolean() }).openapi('ChatFeedback');
const ResolveSchema = z.object({ message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS), faq: IdSchema }).openapi('ChatResolve');
const ProposalSchema = z.object({ question: z.string(), alternatives: z.array(z.string()), count: z.number().int(), lastSeen: z.number().int() });
const PrecisionSchema = z.object({
  threshold: z.number(),
  coverage: z.number(),
  precision: z.number(),
  source: z.enum(['labelled', 'expected', 'default']),
  messages: z.number().int(),
});
const SettingsReply = z.object({
  settings: ChatSettingsSchema,
  threshold: z.number().openapi({ description: 'The answer threshold in use.' }),
  precision: PrecisionSchema.nullable().openapi({
    description: "How it was set from the shop's messages and the coverage it yields; null: the shipped table (too few messages).",
  }),
});
const MissGroupSchema = z.object({
  question: z.string(),
  count: z.number().int(),
  examples: z.array(z.string()),
  bestFaq: z.string().nullable(),
  lastSeen: z.number().int(),
});

/** A database failure the chat cannot answer around (no FAQ index, a handoff not queued): 503, try again shortly. */
function busy(err: unknown): never {
  if (err instanceof ApiError) throw err;
  console.error(`chat unavailable: ${publicError(err)}`);
  throw new ApiError(503, 'unavailable', 'The chat is briefly unavailable; send the message again in a moment.', undefined, { 'Retry-After': '2' });
}

/** Options of {@link createChatRouter}. */
export interface ChatRouterOptions {
  /** Answers product-advice questions; without one the chat hands them to a person. */
  advisor?: (env: Env) => ProductAdvisor | undefined;
}

/** The chat endpoints: `POST /v1/chat` (ingest key) and FAQ administration under `/v1/chat/*` (admin key). */
export function createChatRouter(options: ChatRouterOptions = {}) {
  const router = createRouter();
  const limiter = createRateLimiter();
  router.use('/v1/chat', requireKey('ingest'), rateLimit('chat'));
  router.use('/v1/chat/feedback', requireKey('ingest'));
  for (const path of ['/v1/chat/faqs', '/v1/chat/faqs/*', '/v1/chat/synonyms', '/v1/chat/misses', '/v1/chat/misses/*', '/v1/chat/settings']) {
    router.use(path, requireKey('admin'));
  }

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/chat',
      tags: ['chat'],
      summary: "Answer a shopper's question from the FAQ",
      description:
        'Answers above the confidence threshold, offers up to 3 suggestions on a close call, hands over to a person (`handoff: true`) below it. Product-advice questions get products. Unanswered questions are logged.',
      security: [{ ingestKey: [] }],
      request: { body: { required: true, content: { 'application/json': { schema: ChatRequestSchema } } } },
      responses: {
        200: json(ChatReplySchema, 'The reply'),
        ...errors,
        429: json(ErrorSchema, 'Too many messages from this session or address'),
        503: json(ErrorSchema, 'The database is busy; `Retry-After` says when to send again'),
      },
    }),
    async (c) => {
      const turn = c.req.valid('json');
      const ip = c.req.header('cf-connecting-ip');
      const limited =
        (turn.session && !(await limiter(c.env.TABLES, `s:${turn.session}`, CHAT_LIMITS.session))) ||
        (ip && !(await limiter(c.env.TABLES, `ip:${ip}`, CHAT_LIMITS.ip)));
      if (limited) {
        c.header('Retry-After', '20');
        throw new ApiError(429, 'rate_limited', 'Too many messages; please wait a moment', turn.session ? 'session' : undefined);
      }
      const db = openDatabase(c.env.DB);
      let memory = true;
      const forget = (what: string) => (err: unknown) => {
        console.error(`chat: ${what}: ${publicError(err)}`);
        memory = false;
        return undefined;
      };
      const embedder = embedderOf(c.env);
      const [index, context] = await Promise.all([
        loadFaqIndex(db, c.env.TABLES, undefined, embedder).catch(busy),
        turn.session ? loadContext(db, turn.session).catch(forget('conversation not read')) : undefined,
      ]);
      const search = embedder ? semanticSearch(embedder, (version) => loadFaqVectors(c.env.TABLES, version, embedder.model)) : undefined;
      const { reply, miss, context: next } = await answerChat({ index, advisor: options.advisor?.(c.env), context, search }, turn);
      if (miss) await logMiss(db, miss).catch((err) => console.error('chat miss not logged', err));
      if (turn.session && memory)
        reply.turn = await recordTurn(db, turn.session, miss?.message ?? turn.message, reply, next).catch(forget('turn not recorded'));
      if (reply.handoff) await handOver(c.env, db, turn, reply, (p) => waitUntil(c, p)).catch(busy);
      if (!memory) reply.degraded = 'conversation memory unavailable';
      return c.json(reply, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/chat/feedback',
      tags: ['chat'],
      summary: '"Did this help?" on an answer',
      description: 'One vote per answer (a repeated press is stored once). An answer that did not help is listed among the misses to resolve.',
      security: [{ ingestKey: [] }],
      request: { body: { required: true, content: { 'application/json': { schema: FeedbackSchema } } } },
      responses: { 200: json(z.object({ stored: z.boolean() }), 'Stored'), ...errors },
    }),
    async (c) => {
      const feedback = c.req.valid('json');
      if (!(await recordFeedback(openDatabase(c.env.DB), feedback)))
        throw new ApiError(400, 'invalid_request', 'No answer with this turn id in this session', 'turn');
      return c.json({ stored: true }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/v1/chat/faqs',
      tags: ['chat'],
      security: admin,
      summary: 'Create or replace FAQ entries (JSON), then rebuild the index',
      request: { body: { required: true, content: { 'application/json': { schema: z.object({ entries: z.array(FaqInputSchema).min(1).max(5000) }) } } } },
      responses: { 200: json(z.object({ upserted: z.number().int(), index: Rebuilt }), 'Stored'), ...errors },
    }),
    async (c) => {
      const db = openDatabase(c.env.DB);
      const upserted = await upsertFaqs(db, c.req.valid('json').entries);
      return c.json({ upserted, index: await rebuildFaqIndex(db, c.env.TABLES, undefined, embedderOf(c.env)) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/chat/faqs/import',
      tags: ['chat'],
      security: admin,
      summary: 'Bulk import FAQ entries from JSON lines or CSV (all or nothing)',
      description:
        'Body: JSON lines (`application/x-ndjson`) or CSV (`text/csv`, header `id,question,alternatives,answer,tags,lang,enabled`; lists separated by `|`).',
      request: { query: z.object({ format: z.enum(['jsonl', 'csv']).optional() }) },
      responses: { 200: json(z.object({ upserted: z.number().int(), index: Rebuilt }), 'Imported'), ...errors },
    }),
    async (c) => {
      const format = c.req.valid('query').format ?? ((c.req.header('content-type') ?? '').includes('csv') ? 'csv' : 'jsonl');
      const parsed = parseFaqImport(new TextDecoder().decode(await c.req.arrayBuffer()), format);
      if (!parsed.ok) throw new ApiError(400, 'invalid_request', `${parsed.field} ${parsed.message}`, parsed.field);
      const db = openDatabase(c.env.DB);
      const upserted = await upsertFaqs(db, parsed.entries);
      return c.json({ upserted, index: await rebuildFaqIndex(db, c.env.TABLES, undefined, embedderOf(c.env)) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/chat/faqs',
      tags: ['chat'],
      security: admin,
      summary: 'List FAQ entries',
      request: { query: z.object({ lang: z.enum(['zh', 'en']).optional(), enabled: z.enum(['true', 'false']).optional() }) },
      responses: { 200: json(z.object({ entries: z.array(FaqSchema) }), 'The entries'), ...errors },
    }),
    async (c) => {
      const { lang, enabled } = c.req.valid('query');
      return c.json({ entries: await listFaqs(openDatabase(c.env.DB), { lang, enabledOnly: enabled === 'true' }) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/chat/faqs/{id}',
      tags: ['chat'],
      security: admin,
      summary: 'Change an entry (`{ "enabled": false }` disables it), then rebuild the index',
      request: { params: FaqParams, body: { required: true, content: { 'application/json': { schema: FaqPatchSchema } } } },
      responses: { 200: json(FaqSchema, 'The changed entry'), ...errors, ...notFound },
    }),
    async (c) => {
      const db = openDatabase(c.env.DB);
      const entry = await patchFaq(db, c.req.valid('param').id, c.req.valid('json'));
      if (!entry) throw new ApiError(404, 'not_found', 'No such FAQ entry', 'id');
      await rebuildFaqIndex(db, c.env.TABLES, undefined, embedderOf(c.env));
      return c.json(entry, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/chat/synonyms',
      tags: ['chat'],
      security: admin,
      summary: 'The synonym groups in use',
      responses: { 200: json(SynonymsSchema, 'Groups of equivalent terms'), ...errors },
    }),
    async (c) => c.json({ groups: await loadSynonyms(openDatabase(c.env.DB)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/v1/chat/synonyms',
      tags: ['chat'],
      security: admin,
      summary: 'Replace the synonym groups (empty: back to the defaults), then rebuild the index',
      request: { body: { required: true, content: { 'application/json': { schema: SynonymsSchema } } } },
      responses: { 200: json(z.object({ groups: z.number().int(), index: Rebuilt }), 'Replaced'), ...errors },
    }),
    async (c) => {
      const db = openDatabase(c.env.DB);
      const { groups } = c.req.valid('json');
      await replaceSynonyms(db, groups);
      return c.json({ groups: groups.length, index: await rebuildFaqIndex(db, c.env.TABLES, undefined, embedderOf(c.env)) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/chat/misses',
      tags: ['chat'],
      security: admin,
      summary: 'Unanswered and low-confidence questions, grouped by similar wording',
      request: { query: z.object({ since: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: { 200: json(z.object({ groups: z.array(MissGroupSchema) }), 'Groups, largest first'), ...errors },
    }),
    async (c) => {
      const { since, limit } = c.req.valid('query');
      return c.json({ groups: await listMissGroups(openDatabase(c.env.DB), { since, limit }) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/chat/misses/resolve',
      tags: ['chat'],
      security: admin,
      summary: 'Resolve a miss: "this question means FAQ X" (it becomes a phrasing of X at once)',
      request: { body: { required: true, content: { 'application/json': { schema: ResolveSchema } } } },
      responses: { 200: json(z.object({ index: Rebuilt }), 'Learned; the index was rebuilt'), ...errors, ...notFound },
    }),
    async (c) => {
      const db = openDatabase(c.env.DB);
      const { message, faq } = c.req.valid('json');
      if (!(await resolveMiss(db, message, faq))) throw new ApiError(404, 'not_found', 'No such FAQ entry', 'faq');
      return c.json({ index: await rebuildFaqIndex(db, c.env.TABLES, undefined, embedderOf(c.env)) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/chat/misses/proposals',
      tags: ['chat'],
      security: admin,
      summary: 'New FAQ entries proposed from repeated misses that no entry covers',
      request: { query: z.object({ min: z.coerce.number().int().min(2).max(100).default(3), limit: z.coerce.number().int().min(1).max(100).default(20) }) },
      responses: { 200: json(z.object({ proposals: z.array(ProposalSchema) }), 'Proposals, most asked first'), ...errors },
    }),
    async (c) => {
      const { min, limit } = c.req.valid('query');
      return c.json({ proposals: await proposeFaqs(openDatabase(c.env.DB), { min, limit }) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/chat/settings',
      tags: ['chat'],
      security: admin,
      summary: 'The chat settings and the answer threshold they yield',
      responses: { 200: json(SettingsReply, 'Settings and the published threshold'), ...errors },
    }),
    async (c) => {
      const db = openDatabase(c.env.DB);
      const [settings, index] = await Promise.all([loadChatSettings(db), loadFaqIndex(db, c.env.TABLES, undefined, embedderOf(c.env))]);
      return c.json({ settings, threshold: index.thresholds.answer, precision: index.precision }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/v1/chat/settings',
      tags: ['chat'],
      security: admin,
      summary: 'Replace the chat settings (target precision, small-talk replies, handoff note), then rebuild the index',
      request: { body: { required: true, content: { 'application/json': { schema: ChatSettingsSchema } } } },
      responses: { 200: json(SettingsReply, 'Settings and the threshold they yield'), ...errors },
    }),
    async (c) => {
      const db = openDatabase(c.env.DB);
      const settings = c.req.valid('json');
      await saveChatSettings(db, settings);
      await rebuildFaqIndex(db, c.env.TABLES, undefined, embedderOf(c.env));
      const index = await loadFaqIndex(db, c.env.TABLES, undefined, embedderOf(c.env));
      return c.json({ settings, threshold: index.thresholds.answer, precision: index.precision }, 200);
    },
  );

  return router;
}

/** Writes the handoff to the outbox and delivers it after the response, when the shop has a webhook. */
async function handOver(env: Env, db: Database, turn: ChatRequest, reply: ChatReply, later: (p: Promise<unknown>) => void): Promise<void> {
  if (!env.CHAT_HANDOFF_URL || !env.CHAT_HANDOFF_SECRET) return;
  const target = { url: env.CHAT_HANDOFF_URL, secret: env.CHAT_HANDOFF_SECRET };
  const transcript = turn.session ? await loadTranscript(db, turn.session) : [{ role: 'shopper' as const, text: turn.message, at: Date.now() }];
  await enqueueHandoff(db, { session: turn.session ?? null, shopper: turn.shopper ?? null, reason: reply.reason, lang: reply.lang ?? null, transcript });
  later(drainHandoffs(db, target).catch((err) => console.error('handoff delivery', err)));
}

let embedder: Embedder | undefined;

/** The Workers AI embedder (query vectors cached per isolate) when the `AI` binding is configured. */
function embedderOf(env: Env): Embedder | undefined {
  if (!env.AI) return undefined;
  return (embedder ??= cachedEmbedder(workersAiEmbedder(env.AI)));
}

/** Delivers due chat handoffs (the cron calls it; a no-op without a webhook). */
export async function drainChatHandoffs(env: Env): Promise<void> {
  if (!env.CHAT_HANDOFF_URL || !env.CHAT_HANDOFF_SECRET) return;
  const result = await drainHandoffs(openDatabase(env.DB), { url: env.CHAT_HANDOFF_URL, secret: env.CHAT_HANDOFF_SECRET });
  if (result.delivered || result.failed) console.log(`chat handoffs: ${result.delivered} delivered, ${result.failed} to retry`);
}

function waitUntil(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }, promise: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    void promise;
  }
}

/** The chat router as the worker mounts it: product questions are answered by the recommendation engine. */
export const chat = createChatRouter({ advisor: productAdvisor });
