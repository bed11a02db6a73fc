/**
 * Converts public FAQ-matching data sets into the evaluation format:
 * `faqs.jsonl` ({ id, question, alternatives, answer, lang }) and
 * `queries.jsonl` ({ text, expected }), written outside the repository.
 * `split` "test" gives the measured set; "calib" (ATEC, CLINC150) and "dev"
 * (Bitext) give disjoint sets for calibration and tuning.
 * ATEC and CLINC150 have no answers: their entries get an empty answer, so
 * only the phrasings are matched (no label leaks through the answer text).
 */
import { parseCsvRecords } from '../csv.ts';
import { seededRandom } from '../../random.ts';
import { shuffled } from './random.ts';

/** One FAQ entry of an evaluation set. */
export interface EvalFaq {
  id: string;
  question: string;
  alternatives?: string[];
  answer: string;
  lang?: string;
}

/** One query of an evaluation set; `expected` null means out of scope. */
export interface EvalQuery {
  text: string;
  expected: string | null;
}

/** An evaluation set. */
export interface EvalSet {
  faqs: EvalFaq[];
  queries: EvalQuery[];
}

/** Phrasings per entry taken from a labelled data set. */
export const PHRASINGS_PER_ENTRY = 5;
const SEED = 20260601;

/** Bitext queries per intent held out for tuning (`--split dev`); never reported. */
export const DEV_PER_INTENT = 50;

/**
 * Bitext: per intent, 5 seeded phrasings form the entry (the same in every
 * split); of the other phrasings, a seeded sample of {@link DEV_PER_INTENT}
 * is the development split (anything tuned is tuned there) and the rest is
 * the reported test split. `all` (dev + test) exists only for comparison
 * with figures published before the split.
 */
export function convertBitext(csv: string, split: 'test' | 'dev' | 'all' = 'test'): EvalSet {
  const byIntent = new Map<string, { phrasings: string[]; answer: string }>();
  for (const row of parseCsvRecords(csv)) {
    const intent = row.intent ?? '';
    const group = byIntent.get(intent) ?? { phrasings: [], answer: row.response ?? '' };
    group.phrasings.push(row.instruction ?? '');
    byIntent.set(intent, group);
  }
  const random = seededRandom(SEED).next;
  const set: EvalSet = { faqs: [], queries: [] };
  for (const [intent, group] of [...byIntent].sort(([a], [b]) => a.localeCompare(b))) {
    const [question, ...rest] = shuffled(group.phrasings, random);
    const alternatives = rest.slice(0, PHRASINGS_PER_ENTRY - 1);
    set.faqs.push({ id: intent, question: question!, alternatives, answer: group.answer, lang: 'en' });
    // The order after the entry's phrasings is already a seeded shuffle: its head is the dev sample.
    const others = rest.slice(PHRASINGS_PER_ENTRY - 1);
    const picked = split === 'all' ? others : split === 'dev' ? others.slice(0, DEV_PER_INTENT) : others.slice(DEV_PER_INTENT);
    for (const text of picked) set.queries.push({ text, expected: intent });
  }
  return set;
}

/** ATEC: 1,000 seeded positive pairs; sentence 1 is the FAQ question, sentence 2 the query. */
export function convertAtec(tsv: string, split: 'test' | 'calib'): EvalSet {
  const pairs = tsv
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((cols) => cols.length >= 4 && cols[3]!.trim() === '1')
    .map((cols) => ({ faq: cols[1]!.trim(), query: cols[2]!.trim() }));
  const picked = shuffled(pairs, seededRandom(SEED).next);
  const chosen = split === 'test' ? picked.slice(0, 1000) : picked.slice(1000, 2000);
  const ids = new Map<string, string>();
  const set: EvalSet = { faqs: [], queries: [] };
  for (const pair of chosen) {
    let id = ids.get(pair.faq);
    if (!id) {
      id = `atec-${ids.size + 1}`;
      ids.set(pair.faq, id);
      set.faqs.push({ id, question: pair.faq, answer: '', lang: 'zh' });
    }
    set.queries.push({ text: pair.query, expected: id });
  }
  return set;
}

type ClincData = Record<string, [string, string][]>;

/**
 * CLINC150: 5 seeded training queries per intent form the entry; test (or val) queries are in scope, oos_test (or oos_val)
 * out of scope. `oos-train` is only the 100 oos_train queries (a second out-of-scope sample, to see how much the handoff
 * threshold fitted on oos_val's 100 depends on which 100 they are).
 */
export function convertClinc(json: string, split: 'test' | 'calib' | 'oos-train'): EvalSet {
  const data = JSON.parse(json) as ClincData;
  const byIntent = new Map<string, string[]>();
  for (const [text, intent] of data.train ?? []) byIntent.set(intent, [...(byIntent.get(intent) ?? []), text]);
  const random = seededRandom(SEED).next;
  const set: EvalSet = { faqs: [], queries: [] };
  for (const [intent, texts] of [...byIntent].sort(([a], [b]) => a.localeCompare(b))) {
    const [question, ...alternatives] = shuffled(texts, random).slice(0, PHRASINGS_PER_ENTRY);
    set.faqs.push({ id: intent, question: question!, alternatives, answer: '', lang: 'en' });
  }
  const inScope = split === 'test' ? data.test : split === 'calib' ? data.val : [];
  const outOfScope = split === 'test' ? data.oos_test : split === 'calib' ? data.oos_val : data.oos_train;
  for (const [text, intent] of inScope ?? []) set.queries.push({ text, expected: intent });
  for (const [text] of outOfScope ?? []) set.queries.push({ text, expected: null });
  return set;
}
