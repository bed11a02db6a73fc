import { describe, expect, it } from 'vitest';
import { CALIBRATION, probability } from '../../src/chat/confidence.ts';
import { decide, DEFAULT_THRESHOLDS } from '../../src/chat/decide.ts';
import { DEMO_FAQ } from '../../src/chat/demo-faq.ts';
import { heldOutHandoff, labelledFeatures, runnerUpEntries } from '../../src/chat/eval/calibrate.ts';
import { heldOutEntrySets, oosHandoffThreshold } from '../../src/chat/held-out.ts';
import { indexOf, searchAll } from '../../src/chat/eval/run.ts';
import { withHandoffFloor } from '../../src/chat/precision.ts';

const faq = (id: string, phrasings: string[]) => ({ id, question: phrasings[0]!, alternatives: phrasings.slice(1), answer: '', lang: 'en' });

describe('out-of-scope queries simulated with held-out FAQ entries', () => {
  const faqs = Array.from({ length: 10 }, (_, i) => faq(`e${i}`, [`question ${i}`, `other phrasing ${i}`]));

  it('leaves each entry out once, with its runner-up entries, and asks its phrasings as out of scope', () => {
    const folds = heldOutEntrySets(faqs, new Map([['e0', ['e1', 'e2']]]));
    expect(folds).toHaveLength(5);
    expect(folds.flatMap((f) => f.queries.map((q) => q.text)).sort()).toEqual(faqs.flatMap((f) => [f.question, ...f.alternatives]).sort());
    expect(folds.every((f) => f.queries.every((q) => q.expected === null))).toBe(true);
    expect(folds[0]!.faqs.map((f) => f.id)).toEqual(['e3', 'e4', 'e6', 'e7', 'e8', 'e9']); // e0 and e5 out, with e0's runner-ups
    expect(folds[1]!.faqs.map((f) => f.id)).toEqual(['e0', 'e2', 'e3', 'e4', 'e5', 'e7', 'e8', 'e9']);
    expect(heldOutEntrySets(faqs.slice(0, 9))).toEqual([]);
  });

  it('finds the entries a phrasing falls on when its own entry is not there', async () => {
    const twins = [
      faq('pto', ['request time off', 'book vacation days']),
      faq('pto-status', ['status of my time off request', 'were my vacation days approved']),
    ];
    const runnerUps = await runnerUpEntries([...twins, faq('card', ['my card was declined', 'card payment refused'])]);
    expect(runnerUps.get('pto')).toEqual(['pto-status']);
    expect(runnerUps.get('pto-status')).toEqual(['pto']);
  });

  it('raises the handoff threshold above one fitted on unrelated out-of-scope queries, and nothing below it is answered', async () => {
    const shop = DEMO_FAQ.filter((f) => f.lang === 'en').map((f) => faq(f.id, [f.question, ...(f.alternatives ?? [])]));
    const unrelated = ['what is the weather in paris', 'who won the football game', 'tell me a joke', 'how tall is mount everest', 'play some music'];
    const oos = await labelledFeatures({ faqs: shop, queries: unrelated.map((text) => ({ text, expected: null })) });
    const fromOos = oosHandoffThreshold(oos.map((s) => ({ p: probability(s.x, CALIBRATION), outOfScope: true })));
    const fromFaq = (await heldOutHandoff(shop, CALIBRATION))!;
    expect(fromFaq).toBeGreaterThan(fromOos);
    const floored = withHandoffFloor(DEFAULT_THRESHOLDS.answer, fromOos, fromFaq);
    expect(floored.handoff).toBe(fromFaq);
    expect(floored.answer).toBe(Math.max(DEFAULT_THRESHOLDS.answer, fromFaq));
    // Near-domain questions the FAQ does not cover: each topic removed from the shop's FAQ in turn, asked in its own words.
    const asked = shop.flatMap((removed) => {
      const rest = { faqs: shop.filter((f) => f !== removed), queries: [] };
      return searchAll(indexOf(rest), { faqs: rest.faqs, queries: [removed.question, ...removed.alternatives].map((text) => ({ text, expected: null })) });
    });
    const handedOver = (thresholds: { answer: number; handoff: number }) =>
      asked.filter((r) => decide(r, { ...DEFAULT_THRESHOLDS, ...thresholds }).kind === 'handoff').length;
    const answered = (thresholds: { answer: number; handoff: number }) =>
      asked.filter((r) => decide(r, { ...DEFAULT_THRESHOLDS, ...thresholds }).kind === 'answer').length;
    expect(handedOver(floored)).toBeGreaterThan(handedOver({ answer: DEFAULT_THRESHOLDS.answer, handoff: fromOos }));
    expect(answered(floored)).toBeLessThanOrEqual(answered({ answer: DEFAULT_THRESHOLDS.answer, handoff: fromOos }));
  });

  it('takes the highest handoff threshold given and never answers below it', () => {
    expect(withHandoffFloor(0.6, 0.57, 0.81)).toEqual({ answer: 0.81, handoff: 0.81 });
    expect(withHandoffFloor(0.9, 0.57, 0.81)).toEqual({ answer: 0.9, handoff: 0.81 });
    expect(withHandoffFloor(0.6, 0.57, null)).toEqual({ answer: 0.6, handoff: 0.57 });
  });
});
