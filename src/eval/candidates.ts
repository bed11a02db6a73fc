import { defaultSimilarity } from '../model/similar-items/similar-items.ts';
import { neighbourModel, popularity, withFallback, type Recommender } from './recommenders.ts';

/** Options that change which candidates run. */
export interface CandidateOptions {
  /** Item cap of EASE (dense maxItems^2 matrix). Default 2000; 0 leaves EASE out. */
  easeMaxItems?: number;
}

/** The name under which the engine's default model ({@link defaultSimilarity}) is reported. */
export const DEFAULT_MODEL_NAME = defaultSimilarity.model;

/**
 * The compared models. Each runs with the engine's defaults (interaction weights,
 * K = 100, per-user cap, scoring) and differs only in the similarity; parameters
 * were tuned on the validation split (`eval tune`), never on the test items.
 * `cosine` is the textbook item cosine (no shrinkage, no IUF); the `-all-history`
 * rows score with every history item at equal weight (no recency), as textbook
 * item-kNN does, to show what the tuned recency scoring adds.
 */
export function candidates(options: CandidateOptions = {}): Recommender[] {
  const easeMaxItems = options.easeMaxItems ?? 2000;
  const list: Recommender[] = [
    popularity(),
    neighbourModel('cosine', { similarity: { model: 'cosine', shrink: 0, inverseUserFrequency: false } }),
    neighbourModel('cosine-iuf', { similarity: { model: 'cosine', shrink: 10, inverseUserFrequency: true } }),
    neighbourModel(DEFAULT_MODEL_NAME, { similarity: defaultSimilarity }),
  ];
  const allHistory = { maxHistory: Infinity, halfLifeMs: Infinity };
  list.push(neighbourModel('cosine-all-history', { similarity: { model: 'cosine', shrink: 0, inverseUserFrequency: false } }, allHistory));
  list.push(neighbourModel(`${DEFAULT_MODEL_NAME}-all-history`, { similarity: defaultSimilarity }, allHistory));
  if (easeMaxItems > 0) {
    list.push(neighbourModel('ease', { similarity: { model: 'ease', lambda: 250, maxItems: easeMaxItems } }));
  }
  list.push(withFallback(neighbourModel(DEFAULT_MODEL_NAME, { similarity: defaultSimilarity }), popularity()));
  return list;
}
