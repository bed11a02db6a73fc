import { describe, expect, it } from 'vitest';
import { CALIBRATION, CONFIDENCE_FEATURES, confidenceFeatures, confidenceOf } from '../../src/chat/confidence.ts';
import { DEFAULT_THRESHOLDS } from '../../src/chat/decide.ts';
import { handoffRange } from '../../src/chat/eval/calibrate.ts';
import { oosHandoffThreshold } from '../../src/chat/held-out.ts';
import { buildFaqIndex } from '../../src/chat/index/faq-index.ts';
import { searchFaq, VOTE_PHRASINGS, type SearchResult } from '../../src/chat/index/search.ts';

const faq = (id: string, question: string, alternatives: string[]) => ({ id, question, alternatives, answer: '', lang: 'en' });

const INDEX = buildFaqIndex(
  [
    faq('refund', 'When do I get my refund?', ['How long does a refund take?', 'Where is my refund?', 'Refund still not received', 'Has my refund been sent?']),
    faq('parcel', 'Where is my parcel?', ['Track my parcel', 'My parcel has not arrived', 'Parcel status please', 'When does my parcel arrive?']),
    faq('invoice', 'Can I get an invoice?', ['Send me an invoice', 'Invoice with VAT number', 'Download my invoice', 'Company invoice please']),
  ],
  { version: 't', synonymGroups: [] },
);

const result = (scores: number[], signals: Partial<NonNullable<SearchResult['signals']>> = {}): SearchResult => ({
  candidates: scores.map((score, entry) => ({ entry, score })),
  known: 1,
  signals: { wordAgrees: true, gramAgrees: true, words: 5, votes: 1, ...signals },
});

describe('confidence model features', () => {
  it('lists the features in the order of the weights', () => {
    expect(CONFIDENCE_FEATURES).toEqual(['top', 'gap', 'wordAgrees', 'gramAgrees', 'logWords', 'topVotes', 'topGap3', 'cosine']);
    expect(CALIBRATION.weights).toHaveLength(CONFIDENCE_FEATURES.length);
    const features = confidenceFeatures(result([2, 1, 0.5], { wordAgrees: false, gramAgrees: true, words: 3, votes: 0.6 }));
    expect(features).toEqual([2, 0.5, 0, 1, Math.log1p(3), 1.2, 1.5, 0]);
    expect(confidenceFeatures(result([2, 1, 0.5], { cosine: 0.7 })).at(-1)).toBe(0.7);
  });

  it('never trusts more evidence less: every lexical weight is positive; the lexical fit gives the cosine none', () => {
    for (const weight of CALIBRATION.weights.slice(0, -1)) expect(weight).toBeGreaterThan(0);
    expect(CALIBRATION.weights.at(-1)).toBe(0);
    const base = confidenceOf(result([2, 1.2, 1]));
    expect(confidenceOf(result([2, 1.2, 0.5]))).toBeGreaterThan(base); // third entry further away
    expect(confidenceOf(result([2, 1.2, 1], { votes: 0.2 }))).toBeLessThan(base); // fewer phrasings agree
    expect(confidenceOf(result([2, 1.2, 1], { wordAgrees: false }))).toBeLessThan(base); // the words alone prefer another entry
  });

  it('gives agreement and a distant third entry weight only with a strong match (small FAQs)', () => {
    // A weak match that happens to stand alone in a small FAQ: the relative features alone must not make it an answer.
    const weak = result([0.4, 0.26, 0.08], { votes: 0.4 });
    const strong = result([2.4, 1.56, 0.48], { votes: 0.4 });
    const relative = (r: SearchResult) =>
      confidenceFeatures(r)
        .slice(1, 5)
        .map((x) => x.toFixed(9));
    expect(relative(weak)).toEqual(relative(strong));
    expect(confidenceOf(weak)).toBeLessThan(DEFAULT_THRESHOLDS.handoff);
    expect(confidenceOf(strong)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.answer);
  });

  it('counts the phrasings of the best entry among the five best phrasings', () => {
    const agreed = searchFaq(INDEX, 'refund');
    expect(INDEX.entries[agreed.candidates[0]!.entry]!.id).toBe('refund');
    expect(agreed.signals!.votes).toBe(1);
    const mixed = searchFaq(INDEX, 'where is my refund or my parcel');
    expect(mixed.signals!.votes).toBeGreaterThan(0);
    expect(mixed.signals!.votes).toBeLessThan(1);
    expect(mixed.signals!.votes * VOTE_PHRASINGS).toBe(Math.round(mixed.signals!.votes * VOTE_PHRASINGS));
    expect(confidenceOf(mixed)).toBeLessThan(confidenceOf(searchFaq(INDEX, 'where is my refund')));
  });
});

describe('thresholds', () => {
  it('sets the handoff threshold to hand over 90% of the calibration out-of-scope queries', () => {
    const oos = Array.from({ length: 100 }, (_, i) => ({ p: i / 100, outOfScope: true }));
    const inScope = Array.from({ length: 50 }, () => ({ p: 0.95, outOfScope: false }));
    const threshold = oosHandoffThreshold([...oos, ...inScope]);
    expect(threshold).toBe(0.9);
    expect(oos.filter((s) => s.p < threshold).length).toBeGreaterThanOrEqual(90);
    expect(oos.filter((s) => s.p < threshold - 0.01).length).toBeLessThan(90);
  });

  it('reports how much the handoff threshold depends on which out-of-scope queries calibrate it', () => {
    const oos = Array.from({ length: 100 }, (_, i) => ({ p: i / 100, outOfScope: true }));
    const range = handoffRange([...oos, { p: 0.99, outOfScope: false }]);
    expect(range.low).toBeLessThan(oosHandoffThreshold(oos));
    expect(range.high).toBeGreaterThan(oosHandoffThreshold(oos));
    expect(range.high - range.low).toBeLessThan(0.2);
    expect(handoffRange(oos)).toEqual(range); // seeded, in-scope queries ignored
    expect(handoffRange(oos.map((s) => ({ ...s, p: 0.5 })))).toEqual({ low: 0.51, high: 0.51 }); // no spread without spread
  });
});
