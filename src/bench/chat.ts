/**
 * Chat benchmark: CPU per chat turn (retrieval + decision) over an FAQ of
 * 1,000 entries, as a median and as a ratio against tokenizing the same
 * message alone, both measured in this run; plus index build time, restore
 * time and index size; and the extra CPU of a semantic index build (the
 * held-out handoff threshold over the phrasings' vectors, 1,024 dimensions
 * as bge-m3, from the hashing stand-in; embedding itself not counted) against
 * the lexical build, medians of 3 in this run. FAQ text comes from
 * ../shared/data (Bitext and ATEC phrasings, read in place, never copied).
 *
 *   npm run bench:chat
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { answerChat } from '../chat/answer-chat.ts';
import { DEFAULT_SYNONYMS } from '../chat/default-synonyms.ts';
import { convertAtec, convertBitext, type EvalFaq } from '../chat/eval/convert.ts';
import { buildFaqIndex, faqIndexFromJson, faqIndexToJson } from '../chat/index/faq-index.ts';
import { hashingEmbedder } from '../chat/semantic/embedder.ts';
import { entryVectors } from '../chat/semantic/fusion.ts';
import { fusedHeldOutHandoff, phrasingsOf } from '../chat/semantic/held-out-handoff.ts';
import { tokenize } from '../text/tokenize.ts';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data');
const ENTRIES = 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeEach(messages: string[], rounds: number, fn: (m: string) => unknown): number {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const m of messages) {
      const t0 = performance.now();
      fn(m);
      samples.push(performance.now() - t0);
    }
  }
  return median(samples);
}

const bitext = convertBitext(readFileSync(path.join(DATA, 'bitext-customer-support/bitext_cs_6480_single_response_per_intent_2023-08-07.csv'), 'utf8'));
const atec = convertAtec(readFileSync(path.join(DATA, 'atec-antfin-question-matching/atec_nlp_sim_train.csv'), 'utf8'), 'test');
// 1,000 entries: ATEC's Chinese questions plus Bitext English queries grouped five to an entry.
const english: EvalFaq[] = [];
for (let i = 0; english.length < ENTRIES / 2; i += 5) {
  const [question, ...alternatives] = bitext.queries.slice(i, i + 5).map((q) => q.text);
  english.push({ id: `en-${i}`, question: question!, alternatives, answer: bitext.faqs.find((f) => f.id === bitext.queries[i]!.expected)!.answer, lang: 'en' });
}
const faqs = [...english, ...atec.faqs.slice(0, ENTRIES - english.length)];
const messages = [
  ...bitext.queries
    .filter((_, i) => i % 7 === 3)
    .slice(0, 200)
    .map((q) => q.text),
  ...atec.queries.slice(500, 700).map((q) => q.text),
];

let t0 = performance.now();
const index = buildFaqIndex(faqs, { version: 'bench', synonymGroups: DEFAULT_SYNONYMS });
const buildMs = performance.now() - t0;
const json = JSON.stringify(faqIndexToJson(index));
t0 = performance.now();
const restored = faqIndexFromJson(JSON.parse(json));
const restoreMs = performance.now() - t0;

for (const m of messages.slice(0, 100)) await answerChat({ index: restored }, { message: m });
const turns: number[] = [];
for (let r = 0; r < 5; r++) {
  for (const m of messages) {
    const start = performance.now();
    await answerChat({ index: restored }, { message: m });
    turns.push(performance.now() - start);
  }
}
const chatMs = median(turns);
const tokenizeMs = timeEach(messages, 5, (m) => tokenize(m));
const cpuMs = (fn: () => unknown) => {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const embedder = hashingEmbedder(1024);
const phrasings = faqs.map(phrasingsOf);
const embedded = await embedder.embed(phrasings.flat());
const phrasingVectors = new Map(phrasings.flat().map((text, i) => [text, embedded[i]!]));
let heldOutHandoff: number | null = null;
const lexicalBuildCpuMs = median([0, 1, 2].map(() => cpuMs(() => buildFaqIndex(faqs, { version: 'bench', synonymGroups: DEFAULT_SYNONYMS }))));
const heldOutCpuMs = median(
  [0, 1, 2].map(() =>
    cpuMs(() => {
      const vectors = entryVectors(embedder, phrasings, embedded);
      heldOutHandoff = fusedHeldOutHandoff(faqs, { index, vectors, phrasingVectors });
    }),
  ),
);
const parseMs = timeEach(messages, 5, (m) => JSON.parse(JSON.stringify({ message: m, session: 's-1' })));

console.log(
  JSON.stringify(
    {
      entries: faqs.length,
      phrasings: index.phrasingEntry.length,
      messages: messages.length,
      chatTurnMedianMs: +chatMs.toFixed(4),
      tokenizeOnlyMedianMs: +tokenizeMs.toFixed(4),
      ratioToTokenize: +(chatMs / tokenizeMs).toFixed(1),
      requestJsonRoundTripMedianMs: +parseMs.toFixed(4),
      indexBuildMs: +buildMs.toFixed(1),
      indexRestoreMs: +restoreMs.toFixed(1),
      indexBytes: new TextEncoder().encode(json).length,
      lexicalBuildCpuMs: +lexicalBuildCpuMs.toFixed(0),
      semanticHeldOutCpuMs: +heldOutCpuMs.toFixed(0),
      semanticHeldOutToLexicalBuild: +(heldOutCpuMs / lexicalBuildCpuMs).toFixed(1),
      heldOutHandoff,
    },
    null,
    2,
  ),
);
