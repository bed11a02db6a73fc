import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerChat } from '../../src/chat/answer-chat.ts';
import { DEMO_FAQ } from '../../src/chat/demo-faq.ts';
import { upsertFaqs } from '../../src/chat/faq-store.ts';
import { FAQ_INDEX_FORMAT, type FaqIndexJson } from '../../src/chat/index/faq-index.ts';
import { forgetCachedFaqIndex, loadFaqIndex, rebuildFaqIndex } from '../../src/chat/index-store.ts';
import { hashingEmbedder, type Embedder } from '../../src/chat/semantic/embedder.ts';
import { loadFaqVectors, semanticSearch } from '../../src/chat/semantic/semantic-search.ts';
import { openDatabase } from '../../src/db/client.ts';

const db = openDatabase(env.DB);
// The shop's FAQ without the topic "payment failed": a question about it is out of scope.
const english = DEMO_FAQ.filter((f) => f.lang === 'en');
const shop = english.filter((f) => f.id !== 'payment-failed-en');
const REMOVED_TOPIC = 'I cannot complete the payment';

/** The hashing stand-in, counting the texts it embeds. */
function counting(embedded: string[]): Embedder {
  const inner = hashingEmbedder();
  return { model: inner.model, dims: inner.dims, embed: (texts) => (embedded.push(...texts), inner.embed(texts)) };
}

describe('held-out handoff threshold in the Worker (semantic mode; hashing stand-in embedder)', () => {
  beforeAll(async () => {
    await env.DB.prepare('DELETE FROM faqs').run();
    await upsertFaqs(db, shop);
  });

  it('an index built with an embedder carries the threshold, computed from the phrasing vectors the build embeds anyway', async () => {
    const embedded: string[] = [];
    const { version } = await rebuildFaqIndex(db, env.TABLES, Date.now(), counting(embedded));
    expect(embedded.sort()).toEqual(shop.flatMap((f) => [f.question, ...(f.alternatives ?? [])]).sort());
    const json = await env.TABLES.get<FaqIndexJson>(`chat:faq-index:${version}`, 'json');
    expect(json!.format).toBe(FAQ_INDEX_FORMAT);
    expect(json!.heldOutHandoff).toBeGreaterThan(0);
    forgetCachedFaqIndex();
    expect((await loadFaqIndex(db, env.TABLES)).heldOutHandoff).toBe(json!.heldOutHandoff);
    await rebuildFaqIndex(db, env.TABLES, Date.now());
    expect((await loadFaqIndex(db, env.TABLES)).heldOutHandoff).toBeNull();
  });

  it('hands over a question about a topic removed from the FAQ that the fused search would have answered without it', async () => {
    const embedder = hashingEmbedder();
    await rebuildFaqIndex(db, env.TABLES, Date.now(), embedder);
    const index = await loadFaqIndex(db, env.TABLES);
    const search = semanticSearch(embedder, (v) => loadFaqVectors(env.TABLES, v, embedder.model));
    expect(index.heldOutHandoff).toBeGreaterThan(index.thresholds.answer);
    const withRule = await answerChat({ index, search }, { message: REMOVED_TOPIC });
    const without = await answerChat({ index: { ...index, heldOutHandoff: null }, search }, { message: REMOVED_TOPIC });
    expect(without.reply).toMatchObject({ reason: 'answered', handoff: false });
    expect(without.reply.confidence).toBeLessThan(index.heldOutHandoff!);
    expect(withRule.reply).toMatchObject({ reason: 'low_confidence', handoff: true, confidence: without.reply.confidence });
    // A question the FAQ covers is still answered.
    const covered = await answerChat({ index, search }, { message: 'How do I reset my password?' });
    expect(covered.reply).toMatchObject({ reason: 'answered', faq: 'reset-password-en' });
  });

  it('leaves lexical searches to the thresholds of the precision target', async () => {
    await rebuildFaqIndex(db, env.TABLES, Date.now(), hashingEmbedder());
    const index = await loadFaqIndex(db, env.TABLES);
    for (const message of [REMOVED_TOPIC, ...english.map((f) => f.question)]) {
      const lexical = await answerChat({ index }, { message });
      expect(await answerChat({ index: { ...index, heldOutHandoff: null } }, { message })).toEqual(lexical);
    }
  });
});
