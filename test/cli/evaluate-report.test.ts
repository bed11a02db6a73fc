/** The evaluation report's comparison of the default with the best other model (Node: the heap probe needs it). */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/eval/evaluate.ts';
import { leaveLastOut } from '../../src/eval/leave-last-out.ts';
import type { Recommender } from '../../src/eval/recommenders.ts';
import { formatReport } from '../../src/eval/report.ts';
import type { ShopEvent } from '../../src/model/events.ts';

const e = (user: string, item: string, ts: number): ShopEvent => ({ user, item, type: 'view', ts });

describe('default against the best other model', () => {
  it('reports the NDCG ratio and the paired per-user difference with its standard error', () => {
    const targets = ['a', 'a', 'b', 'c'];
    const events = targets.flatMap((item, n) => [e(`u${n}`, 'h', 1), e(`u${n}`, item, 2)]);
    const fixed = (name: string, list: string[]): Recommender => ({ name, build: () => () => list });
    const report = evaluate(events, {
      protocol: 'leave-last-out',
      split: leaveLastOut(events),
      recommenders: [fixed('a-first', ['a', 'b']), fixed('b-first', ['b', 'a']), fixed('default', ['b', 'a'])],
      defaultModel: 'default',
      k: 2,
    });
    const second = 1 / Math.log2(3);
    const diffs = [second - 1, second - 1, 1 - second, 0];
    const mean = diffs.reduce((x, y) => x + y) / 4;
    const se = Math.sqrt(diffs.reduce((x, d) => x + (d - mean) ** 2, 0) / 3 / 4);
    expect(report.defaultVsBest?.best).toBe('a-first');
    expect(report.defaultVsBest?.ratio).toBeCloseTo((2 * second + 1) / (2 + second), 3);
    expect(report.defaultVsBest?.gap).toBeCloseTo(mean, 6);
    expect(report.defaultVsBest?.se).toBeCloseTo(se, 6);
    expect(formatReport(report)).toContain('default / best (a-first): 0.860');
  });

  it('leaves the comparison out when the run has no other model', () => {
    const events = [e('u1', 'h', 1), e('u1', 'a', 2)];
    const only: Recommender = { name: 'default', build: () => () => ['a'] };
    const report = evaluate(events, { protocol: 'leave-last-out', split: leaveLastOut(events), recommenders: [only], defaultModel: 'default' });
    expect(report.defaultVsBest).toBeUndefined();
    expect(formatReport(report)).not.toContain('default / best');
  });
});
