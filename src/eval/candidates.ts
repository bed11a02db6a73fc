import { shoppersOf, withContent, type ContentIndex } from '../model/content/content-blend.ts';
import type { ShopEvent } from '../model/events.ts';
import type { InteractionGraph } from '../model/interaction-graph.ts';
import type { NeighbourList } from '../model/neighbour-list.ts';
import { createHoldoutSample } from '../model/selection/holdout-sample.ts';
import { rankWithChoice, type ModelChoice } from '../model/selection/model-choice.ts';
import { popularByShoppers, SELECTION_FOLDS, SELECTION_TIMED, selectModel, type Selection, type SelectionOptions } from '../model/selection/select-model.ts';
import { createSimilarItemsBuilder, type SimilarityModel } from '../model/similar-items/similar-items.ts';
import { PAGE_SIZE, popularity, type Recommender } from './recommenders.ts';

/** Options of the selection the evaluation runs. */
export interface CandidateOptions extends SelectionOptions {
  /** Shoppers the selection samples per fold. Default 10000 (as the rebuild). */
  maxShoppers?: number;
  /** Rolling-origin folds. Default {@link SELECTION_FOLDS}. */
  folds?: number;
}

/** The name of the row that shows what the selection would serve. */
export const DEFAULT_MODEL_NAME = 'default';

/**
 * Runs the rebuild's model selection on `train` (the training part of the split): the same
 * builder, sample and grid as the rebuild, pages of 1000 events. The test items are never seen.
 */
export function selectOnTraining(train: readonly ShopEvent[], options: CandidateOptions = {}): Selection {
  const builder = createSimilarItemsBuilder({});
  const sampler = createHoldoutSample({ maxShoppers: options.maxShoppers });
  for (let at = 0; at < train.length; at += PAGE_SIZE) {
    const page = train.slice(at, at + PAGE_SIZE);
    builder.add(page);
    sampler.add(page);
  }
  return selectModel(builder.finish().graph, sampler.finish(options.folds ?? SELECTION_FOLDS, SELECTION_TIMED), options);
}

/**
 * The compared models: popularity (distinct shoppers, whole catalog), every candidate the
 * selection scored, each refit on the whole training part, and `default`: the selection's
 * winner refit the same way (what the rebuild would serve). Candidates sharing a neighbour
 * model share one build.
 */
export function candidates(selection: Selection, content?: ContentIndex): Recommender[] {
  const built = new Map<string, { neighbours: Map<string, NeighbourList>; graph: InteractionGraph }>();
  const build = (similarity: SimilarityModel, contentWeight: number | undefined, train: readonly ShopEvent[], probe: () => void) => {
    const key = JSON.stringify([similarity, contentWeight ?? 0]);
    const cached = built.get(key);
    if (cached) return cached;
    const builder = createSimilarItemsBuilder({ similarity });
    for (let at = 0; at < train.length; at += PAGE_SIZE) {
      builder.add(train.slice(at, at + PAGE_SIZE));
      probe();
    }
    const model = builder.finish();
    const neighbours = new Map<string, NeighbourList>();
    for (const [item, list] of withContent(model.rows(), content, contentWeight, shoppersOf(model.graph), 100)) {
      neighbours.set(item, list);
      if (neighbours.size % 64 === 0) probe();
    }
    const entry = { neighbours, graph: model.graph };
    built.set(key, entry);
    return entry;
  };
  const choiceModel = (name: string, choice: ModelChoice): Recommender => ({
    name,
    build(train, probe) {
      const { neighbours, graph } = build(choice.similarity, choice.content, train, probe);
      const popular = popularByShoppers(graph, undefined, choice.popularHalfLifeMs ?? null);
      return (history, count) =>
        rankWithChoice(
          choice,
          { neighbours, popular },
          history.map((e) => ({ item: e.item!, ts: e.ts, type: e.type })),
          count,
        );
    },
  });
  return [popularity(), ...selection.candidates.map((c) => choiceModel(c.name, c.choice)), choiceModel(DEFAULT_MODEL_NAME, selection.winner)];
}
