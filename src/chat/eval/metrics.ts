/**
 * Evaluation metrics of an FAQ matcher, from one outcome per query.
 */

/** What a system did with one query. */
export interface Outcome {
  expected: string | null;
  /** Entry ids, best first. */
  ranking: string[];
  kind: 'answer' | 'clarify' | 'handoff';
}

/** The figures reported per system. */
export interface Metrics {
  /** Share of in-scope queries whose best entry is the expected one. */
  top1: number;
  /** Mean reciprocal rank of the expected entry (0 when not ranked). */
  mrr: number;
  /** Share of in-scope queries answered directly (no suggestions, no handoff). */
  answered: number;
  /** Share of those direct answers that are right. */
  answeredAccuracy: number;
  /** Share of out-of-scope queries handed over (null without such queries). */
  oosHandoff: number | null;
}

/** Computes {@link Metrics}. */
export function measure(outcomes: readonly Outcome[]): Metrics {
  const inScope = outcomes.filter((o) => o.expected !== null);
  const outOfScope = outcomes.filter((o) => o.expected === null);
  let top1 = 0;
  let rr = 0;
  let answered = 0;
  let answeredRight = 0;
  for (const o of inScope) {
    const rank = o.ranking.indexOf(o.expected!);
    if (rank === 0) top1++;
    if (rank >= 0) rr += 1 / (rank + 1);
    if (o.kind === 'answer') {
      answered++;
      if (rank === 0) answeredRight++;
    }
  }
  const share = (n: number, d: number) => (d > 0 ? round(n / d) : 0);
  return {
    top1: share(top1, inScope.length),
    mrr: share(rr, inScope.length),
    answered: share(answered, inScope.length),
    answeredAccuracy: share(answeredRight, answered),
    oosHandoff: outOfScope.length ? share(outOfScope.filter((o) => o.kind === 'handoff').length, outOfScope.length) : null,
  };
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
