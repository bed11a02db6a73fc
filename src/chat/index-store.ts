/**
 * Where the built FAQ index lives: KV holds complete versions
 * (`chat:faq-index:<version>`) and one pointer (`chat:faq-index:current`);
 * each isolate keeps the version it last restored and looks at the pointer
 * at most every few seconds. A request never tokenizes the FAQ.
 */
import type { Database } from '../db/client.ts';
import { listFaqs, loadSynonyms } from './faq-store.ts';
import { buildFaqIndex, FAQ_INDEX_FORMAT, faqIndexFromJson, faqIndexToJson, type FaqIndex, type FaqIndexJson, type FaqSource } from './index/faq-index.ts';
import { loadLearned } from './learning/resolve.ts';
import { shopMessages, shopThresholds } from './learning/shop-calibration.ts';
import type { Embedder } from './semantic/embedder.ts';
import { entryVectors, type FaqVectors } from './semantic/fusion.ts';
import { fusedHeldOutHandoff, phrasingsOf } from './semantic/held-out-handoff.ts';
import { putFaqVectors } from './semantic/semantic-search.ts';
import { loadChatSettings } from './settings.ts';

const POINTER = 'chat:faq-index:current';
const versionKey = (version: string) => `chat:faq-index:${version}`;
/** How long an isolate trusts its copy before looking at the pointer again. */
export const POINTER_CHECK_MS = 5000;
/** How long a replaced version stays readable for isolates still holding the old pointer. */
const OLD_VERSION_TTL_S = 3600;

let cached: { index: FaqIndex; checkedAt: number } | null = null;

/**
 * Builds the index from D1 (enabled entries with their learned phrasings,
 * the synonyms, the chat settings and the answer threshold for the shop's
 * target precision), stores it as a new version (with the entries' vectors
 * and the held-out handoff threshold for fused searches when an embedder is
 * given), flips the pointer and keeps it in this isolate.
 */
export async function rebuildFaqIndex(
  db: Database,
  kv: KVNamespace,
  now = Date.now(),
  embedder?: Embedder,
): Promise<{ version: string; entries: number; bytes: number }> {
  const [sources, synonymGroups, previous, settings, messages] = await Promise.all([
    faqSources(db),
    loadSynonyms(db),
    kv.get(POINTER),
    loadChatSettings(db),
    shopMessages(db, now),
  ]);
  const version = `${now.toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
  const index = buildFaqIndex(sources, { version, synonymGroups, settings, ...shopThresholds(messages, settings.targetPrecision) });
  const vectors = embedder
    ? await semanticBuild(index, sources, embedder).catch((err) => void console.error('FAQ vectors not computed; the chat stays lexical', err))
    : undefined;
  const body = JSON.stringify(faqIndexToJson(index));
  await kv.put(versionKey(version), body);
  if (vectors) await putFaqVectors(kv, version, vectors).catch((err) => console.error('FAQ vectors not stored; the chat stays lexical', err));
  await kv.put(POINTER, version);
  if (previous) await retire(kv, previous);
  cached = { index, checkedAt: now };
  return { version, entries: sources.length, bytes: new TextEncoder().encode(body).length };
}

/**
 * Embeds the phrasings once: the entry vectors, and the held-out handoff
 * threshold of fused searches from the same phrasing vectors (set on the index).
 */
async function semanticBuild(index: FaqIndex, sources: readonly FaqSource[], embedder: Embedder): Promise<FaqVectors> {
  const phrasings = sources.map(phrasingsOf);
  const flat = phrasings.flat();
  const embedded = await embedder.embed(flat);
  const vectors = entryVectors(embedder, phrasings, embedded);
  index.heldOutHandoff = fusedHeldOutHandoff(sources, { index, vectors, phrasingVectors: new Map(flat.map((text, i) => [text, embedded[i]!])) });
  return vectors;
}

/** The enabled entries with the phrasings learned from resolved misses. */
async function faqSources(db: Database): Promise<FaqSource[]> {
  const [entries, learned] = await Promise.all([listFaqs(db, { enabledOnly: true }), loadLearned(db)]);
  return entries.map((e) => ({ ...e, alternatives: [...e.alternatives, ...(learned.get(e.id) ?? [])] }));
}

async function retire(kv: KVNamespace, version: string): Promise<void> {
  const old = await kv.get(versionKey(version));
  if (old !== null) await kv.put(versionKey(version), old, { expirationTtl: OLD_VERSION_TTL_S });
}

/**
 * The current index: this isolate's copy while fresh, else the version the
 * KV pointer names (restored without tokenizing), else a first build. When
 * the pointer names a version KV cannot serve yet (replication lag), the
 * isolate keeps its copy or builds one in memory without publishing it. A
 * version stored in an older format is rebuilt and republished (with
 * `embedder`, semantic as a rebuild after an FAQ change).
 */
export async function loadFaqIndex(db: Database, kv: KVNamespace, now = Date.now(), embedder?: Embedder): Promise<FaqIndex> {
  if (cached && now - cached.checkedAt < POINTER_CHECK_MS) return cached.index;
  const version = await kv.get(POINTER);
  if (version && cached?.index.version === version) {
    cached.checkedAt = now;
    return cached.index;
  }
  const json = version ? await kv.get<FaqIndexJson>(versionKey(version), 'json') : null;
  if (json && json.format === FAQ_INDEX_FORMAT) {
    cached = { index: faqIndexFromJson(json), checkedAt: now };
    return cached.index;
  }
  // No index yet, or one stored by an older tokenizer: build and publish a current one.
  if (!version || json) {
    await rebuildFaqIndex(db, kv, now, embedder);
    return cached!.index;
  }
  if (cached) return cached.index;
  const [sources, synonymGroups, settings] = await Promise.all([faqSources(db), loadSynonyms(db), loadChatSettings(db)]);
  return buildFaqIndex(sources, { version: 'unpublished', synonymGroups, settings });
}

/** Forgets this isolate's copy (tests, and after a failed read). */
export function forgetCachedFaqIndex(): void {
  cached = null;
}
