import { describe, expect, it } from 'vitest';
import { defaultChoice } from '../src/model/selection/model-choice.ts';
import { forYouCandidates } from '../src/serve/candidates.ts';

const now = 1_000_000_000;
const lists = new Map<string, [string, number][]>([
  ['tent', [['bag', 0.5]]],
  ['mat', [['pump', 0.9]]],
]);
const neighbours = (id: string) => lists.get(id);
const session = [
  { item: 'tent', ts: now - 1000, type: 'view' as const },
  { item: 'mat', ts: now - 60_000, type: 'view' as const },
];
const popular: [string, number][] = [
  ['best-seller', 100],
  ['bag', 10],
];
const timing = { now, builtAt: now, limit: 10, popular };

describe('serving with the published model', () => {
  it('scores only the history length the model says', () => {
    const all = forYouCandidates(undefined, session, neighbours, { ...timing, model: defaultChoice });
    expect(all.map((c) => c.id)).toEqual(['pump', 'bag']);
    const newest = forYouCandidates(undefined, session, neighbours, { ...timing, model: { ...defaultChoice, maxHistory: 1 } });
    expect(newest.map((c) => c.id)).toEqual(['bag']);
  });

  it('blends the popular list with the published weight, or serves it alone', () => {
    const blended = forYouCandidates(undefined, session, neighbours, { ...timing, model: { ...defaultChoice, popular: 3 } });
    // pump 1 (personal best) vs bag 0.5 / 0.9 + 3 x 10 / 100 = 0.86 vs best-seller 3 x 1
    expect(blended.map((c) => c.id)).toEqual(['best-seller', 'pump', 'bag']);
    expect(blended[0]!.reason).toEqual({ kind: 'popular' });
    expect(blended[1]!.reason).toMatchObject({ kind: 'viewed', item: 'mat' });
    const only = forYouCandidates(undefined, session, neighbours, { ...timing, model: { ...defaultChoice, popular: 'only' } });
    expect(only.map((c) => c.id)).toEqual(['best-seller', 'bag']);
  });
});
