import { blendLists } from '../blend.ts';
import type { NeighbourLookup } from '../neighbour-list.ts';
import { defaultScoring, recommendFromHistory, type HistoryEntry } from '../recommend.ts';
import type { SimilarityModel } from '../similar-items/similar-items.ts';

/**
 * A complete configuration of personal recommendations: the neighbour model, the serving
 * parameters that score a history with it, and the blend with popularity. JSON-able (the
 * rebuild publishes the winner in the manifest and serving reads it from there).
 */
export interface ModelChoice {
  similarity: SimilarityModel;
  /** The most recent distinct history items that count. */
  maxHistory: number;
  /** A history item's weight halves every `halfLifeMs`; null: no decay. */
  halfLifeMs: number | null;
  /** And halves every `positionHalfLife` places back from the newest distinct item; null or absent: no position decay. */
  positionHalfLife?: number | null;
  /**
   * Weight of the all-time popular list (by distinct shoppers) added to the personal scores,
   * each scaled so its best is 1; 0: none; `only`: popularity alone.
   */
  popular: number | 'only';
  /**
   * The popular list counts each shopper of an item with weight 2^(-age / half-life) (recent
   * shoppers count more); null or absent: all-time, every shopper 1.
   */
  popularHalfLifeMs?: number | null;
  /**
   * Blend of content neighbours into each item's similar list: an item with n distinct shoppers
   * takes the share content / (content + n) from content (src/model/content); 0 or absent: none.
   */
  content?: number;
}

const HOUR = 3_600_000;

/** The engine's default before any selection (tuned on MovieLens, src/model/README.md). */
export const defaultChoice: ModelChoice = {
  similarity: { model: 'rp3beta', alpha: 0.6, beta: 0.5 },
  maxHistory: defaultScoring.maxHistory,
  halfLifeMs: defaultScoring.halfLifeMs,
  popular: 0,
};

/** How a history is scored: the recency options {@link recommendFromHistory} takes. */
export interface Scoring {
  maxHistory: number;
  halfLifeMs: number;
  positionHalfLife?: number;
}

/** The scoring options of a choice, as {@link recommendFromHistory} takes them. */
export function scoringOf(choice: Pick<ModelChoice, 'maxHistory' | 'halfLifeMs' | 'positionHalfLife'>): Scoring {
  const scoring: Scoring = { maxHistory: choice.maxHistory, halfLifeMs: choice.halfLifeMs ?? Infinity };
  return choice.positionHalfLife ? { ...scoring, positionHalfLife: choice.positionHalfLife } : scoring;
}

/**
 * A short readable name, e.g. `rp3beta(0.6,0.5) h5 6h +pop0.3`.
 *
 * @example
 * choiceName(defaultChoice); // 'rp3beta(0.6,0.5) h5 6h'
 */
export function choiceName(choice: ModelChoice): string {
  const life = (ms: number) => (ms >= 48 * HOUR ? `${+(ms / (24 * HOUR)).toFixed(1)}d` : `${+(ms / HOUR).toFixed(2)}h`);
  const popLife = choice.popularHalfLifeMs ? `@${life(choice.popularHalfLifeMs)}` : '';
  if (choice.popular === 'only') return `popularity${popLife ? ` ${popLife}` : ''}`;
  const s = choice.similarity;
  const model =
    s.model === 'rp3beta'
      ? `rp3beta(${s.alpha ?? 1},${s.beta ?? 0.5})`
      : s.model === 'cosine'
        ? `cosine${s.inverseUserFrequency === false ? '' : '-iuf'}(${s.shrink ?? 10})`
        : `ease(${s.lambda ?? 250})`;
  const position = choice.positionHalfLife ? ` p${choice.positionHalfLife}` : '';
  const decay = `${choice.halfLifeMs === null ? 'no-decay' : `${+(choice.halfLifeMs / HOUR).toFixed(2)}h`}${position}`;
  const content = choice.content ? ` +content${choice.content}` : '';
  return `${model} h${choice.maxHistory} ${decay}${choice.popular > 0 ? ` +pop${choice.popular}${popLife}` : ''}${content}`;
}

/** What {@link rankWithChoice} reads besides the history. */
export interface ChoiceInputs {
  neighbours: NeighbourLookup;
  /** The popular list of the choice (item, distinct shoppers, decayed by `popularHalfLifeMs`), best first. */
  popular: ReadonlyArray<readonly [string, number]>;
}

/** Personal candidates scored before blending (serving keeps about as many). */
const PERSONAL_LIMIT = 50;

/**
 * The ranking a choice gives one shopper: items they have not touched, best first. The same
 * composition serving applies (recommendFromHistory, then the popularity blend).
 *
 * @example
 * rankWithChoice(defaultChoice, { neighbours: table, popular }, history, 10);
 */
export function rankWithChoice(choice: ModelChoice, inputs: ChoiceInputs, history: readonly HistoryEntry[], count: number): string[] {
  const seen = new Set(history.map((h) => h.item));
  const unseen = (list: ReadonlyArray<readonly [string, number]>) => list.filter(([item]) => !seen.has(item));
  if (choice.popular === 'only')
    return unseen(inputs.popular)
      .slice(0, count)
      .map(([item]) => item);
  const personal = recommendFromHistory({ history, neighbours: inputs.neighbours, limit: Math.max(count, PERSONAL_LIMIT), ...scoringOf(choice) });
  if (!(choice.popular > 0)) return personal.slice(0, count).map((r) => r.item);
  return unseen(
    blendLists(
      personal.map((r) => [r.item, r.score] as const),
      inputs.popular,
      choice.popular,
    ),
  )
    .slice(0, count)
    .map(([item]) => item);
}
