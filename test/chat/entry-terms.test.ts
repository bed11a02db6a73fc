import { describe, expect, it } from 'vitest';
import { fitLogistic, fitNonNegative } from '../../src/chat/eval/logistic.ts';
import { convertClinc } from '../../src/chat/eval/convert.ts';
import { entryTermsOf } from '../../src/chat/index/entry-terms.ts';
import { buildFaqIndex } from '../../src/chat/index/faq-index.ts';
import { searchFaq } from '../../src/chat/index/search.ts';
import { seededRandom } from '../../src/random.ts';

const faq = (id: string, question: string, alternatives: string[]) => ({ id, question, alternatives, answer: '', lang: 'en' });

const INDEX = buildFaqIndex(
  [
    faq('pto', 'Request pto for June', ['Book pto next week', 'Put in a pto request', 'I want pto on Friday']),
    faq('vacation', 'How many vacation days are left', ['Vacation balance please', 'Remaining vacation days', 'Days of vacation I still have, like pto']),
    faq('invoice', 'Send me an invoice', ['Invoice with VAT number', 'Download my invoice']),
  ],
  { version: 't', synonymGroups: [] },
);
const id = (entry: number) => INDEX.entries[entry]!.id;

describe('per-entry word weights from the entry phrasings', () => {
  it('weights a word by the share of the entry phrasings holding it', () => {
    const terms = entryTermsOf(INDEX);
    const pto = terms.postings.get('pto')!;
    const shares = new Map<string, number>();
    for (let i = 0; i < pto.length; i += 2) shares.set(id(pto[i]!), pto[i + 1]!);
    expect(shares.get('pto')).toBe(1);
    expect(shares.get('vacation')).toBe(0.25);
    expect(shares.has('invoice')).toBe(false);
    expect(entryTermsOf(INDEX)).toBe(terms);
  });

  it('is off as shipped and, when on, favours the entry whose phrasings all use the word', () => {
    const shipped = searchFaq(INDEX, 'pto');
    expect(searchFaq(INDEX, 'pto', { tuning: { centroidWeight: 0 } }).candidates).toEqual(shipped.candidates);
    const on = searchFaq(INDEX, 'pto', { tuning: { centroidWeight: 0.5 } });
    expect(id(on.candidates[0]!.entry)).toBe('pto');
    const gain = (r: typeof on, entryId: string) => r.candidates.find((c) => id(c.entry) === entryId)!.score;
    // Both entries gain, the one using the word in every phrasing four times as much.
    expect(gain(on, 'pto') - gain(shipped, 'pto')).toBeCloseTo(4 * (gain(on, 'vacation') - gain(shipped, 'vacation')), 9);
  });
});

describe('non-negative calibration fit', () => {
  it('fixes a feature whose weight would be negative at zero and refits the others', () => {
    const random = seededRandom(3);
    const samples = Array.from({ length: 400 }, () => {
      const good = random.next();
      const bad = random.next();
      return { x: [good, bad], y: random.next() < 1 / (1 + Math.exp(-(6 * good - 3 * bad - 1))) };
    });
    expect(fitLogistic(samples)[2]).toBeLessThan(0);
    const [, good, bad] = fitNonNegative(samples);
    expect(bad).toBe(0);
    expect(good).toBeGreaterThan(0);
    const free = fitLogistic(samples.map((s) => ({ x: [s.x[0]!], y: s.y })));
    expect(good).toBeCloseTo(free[1]!, 9);
  });
});

describe('CLINC150 out-of-scope samples', () => {
  it('gives oos_train alone as a second out-of-scope sample, on the same entries', () => {
    const data = {
      train: [
        ['book a flight', 'book_flight'],
        ['check my balance', 'balance'],
      ],
      val: [['fly me to rome', 'book_flight']],
      test: [['how much money do i have', 'balance']],
      oos_val: [['tell me a joke about cats', 'oos']],
      oos_test: [['what is the capital of peru', 'oos']],
      oos_train: [
        ['who won the game', 'oos'],
        ['how tall is everest', 'oos'],
      ],
    };
    const json = JSON.stringify(data);
    const sample = convertClinc(json, 'oos-train');
    expect(sample.faqs).toEqual(convertClinc(json, 'calib').faqs);
    expect(sample.queries).toEqual([
      { text: 'who won the game', expected: null },
      { text: 'how tall is everest', expected: null },
    ]);
    expect(convertClinc(json, 'calib').queries.map((q) => q.text)).toEqual(['fly me to rome', 'tell me a joke about cats']);
  });
});
