import { describe, expect, it } from 'vitest';
import { decay } from '../../src/model/interaction-weights.ts';
import { forYouSources, precomputeForYou } from '../../src/model/precompute-for-you.ts';
import { defaultScoring, recommendFromHistory } from '../../src/model/recommend.ts';
import { type UserProfile, profileHistory } from '../../src/model/user-profile.ts';

const HOUR = 3_600_000;
const profile: UserProfile = {
  recent: [
    ['tent', 10 * HOUR, 'view'],
    ['mat', 8 * HOUR, 'add_to_cart'],
  ],
  purchased: [['stove', 5 * HOUR]],
  categories: [],
  lastSeen: 10 * HOUR,
  lastPurchase: 5 * HOUR,
  orders: 1,
  monetary: 0,
};
const neighbours = new Map<string, [string, number][]>([
  [
    'tent',
    [
      ['bag', 0.5],
      ['pegs', 0.25],
    ],
  ],
  [
    'mat',
    [
      ['bag', 0.2],
      ['pump', 0.4],
    ],
  ],
  ['stove', [['gas', 0.9]]],
]);

describe('precomputeForYou', () => {
  it('names the history item each candidate is because of, by index', () => {
    const forYou = precomputeForYou(profile, neighbours, 10 * HOUR);
    const history = profileHistory(profile);
    // gas: 8 (purchase) x 2^(-5/6) x 0.9 = 4.04; pump: 4 (cart) x 2^(-2/6) x 0.4 = 1.27;
    // bag: 1 x 0.5 (tent) + 3.17 x 0.2 (mat) = 1.13, mostly because of the mat; pegs: 0.25.
    expect(forYou.map(([item, , because]) => [item, history[because]!.item])).toEqual([
      ['gas', 'stove'],
      ['pump', 'mat'],
      ['bag', 'mat'],
      ['pegs', 'tent'],
    ]);
    expect(forYou[0]![1]).toBeCloseTo(4.04, 2);
  });

  it('scores decay by one common factor, so serving can age them instead of rescoring', () => {
    const builtAt = 10 * HOUR;
    const later = builtAt + 9 * HOUR;
    const precomputed = precomputeForYou(profile, neighbours, builtAt);
    const rescored = recommendFromHistory({ history: profileHistory(profile), neighbours, now: later, includeSeen: true });
    const factor = decay(later - builtAt, defaultScoring.halfLifeMs);
    for (const [item, score] of precomputed) expect(score * factor).toBeCloseTo(rescored.find((r) => r.item === item)!.score, 4);
  });

  it('reads the neighbour lists of the most recent history items only', () => {
    expect(forYouSources(profile)).toEqual(['tent', 'mat', 'stove']);
  });
});
