import type { ContentIndex } from '../model/content/content-blend.ts';
import type { Database } from '../db/client.ts';
import type { InteractionGraph } from '../model/interaction-graph.ts';
import { createHoldoutSample, type HoldoutSampler } from '../model/selection/holdout-sample.ts';
import { defaultChoice, type ModelChoice } from '../model/selection/model-choice.ts';
import { SELECTION_FOLDS, SELECTION_TIMED, selectionSteps } from '../model/selection/select-model.ts';
import { createSimilarItemsBuilder } from '../model/similar-items/similar-items.ts';
import { runStepsYielding } from '../model/steps.ts';
import { catalogContent, type ContentFigures } from './catalog-content.ts';
import type { CatalogEntry } from './catalog-snapshot.ts';
import { type EventWindow, readEventPages } from './event-pages.ts';

/** What a run records of its model selection (GET /v1/admin/rebuilds). */
export interface SelectionFigures {
  winner: string;
  /** The winner's parameters (as published in the manifest's `model`). */
  choice: ModelChoice;
  shoppers: number;
  ms: number;
  skipped?: string;
  candidates: Array<{ name: string; ndcg10: number; hr10: number }>;
}

/** The model a run publishes, with the selection's figures when it ran. */
export interface RunModel {
  choice: ModelChoice;
  figures?: SelectionFigures;
  /** The content index the selection read (its content blends are candidates), when one was built. */
  content?: ContentFigures;
}

/**
 * Runs the model selection on the window's graph (without a sampler: the default) and rounds its
 * figures for the run record. Yields to the event loop between slices of its work.
 */
export async function chooseModel(graph: InteractionGraph, sampler: HoldoutSampler | undefined, k: number, content?: ContentIndex): Promise<RunModel> {
  if (!sampler) return { choice: defaultChoice };
  const started = performance.now();
  const selection = await runStepsYielding(selectionSteps(graph, sampler.finish(SELECTION_FOLDS, SELECTION_TIMED), { k, ...(content ? { content } : {}) }));
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return {
    choice: selection.winner,
    figures: {
      winner: selection.name,
      choice: selection.winner,
      shoppers: selection.shoppers,
      ms: Math.round(performance.now() - started),
      ...(selection.skipped ? { skipped: selection.skipped } : {}),
      candidates: selection.candidates.map((c) => ({ name: c.name, ndcg10: round(c.ndcg10), hr10: round(c.hr10) })),
    },
  };
}

/**
 * The selection of a split run, once, in its planning step: reads the window, builds the same
 * graph and the same content index (from the run's catalog snapshot) as every part does, and
 * chooses. The parts read the outcome from the run record.
 */
export async function selectForRun(
  db: Database,
  window: EventWindow,
  settings: { k: number; pageSize: number; content?: boolean },
  now: number,
  catalog: ReadonlyMap<string, CatalogEntry>,
): Promise<RunModel> {
  const similar = createSimilarItemsBuilder({ k: settings.k });
  const sampler = createHoldoutSample();
  for await (const page of readEventPages(db, window, settings.pageSize)) {
    similar.add(page);
    sampler.add(page);
  }
  const content = settings.content === false ? undefined : catalogContent(catalog);
  const model = await chooseModel(similar.finish(now).graph, sampler, settings.k, content?.index);
  return content ? { ...model, content: content.figures } : model;
}

/** The model of a split run as its planning step recorded it (absent: the default). */
export function recordedModel(stats: Record<string, unknown>): RunModel {
  const figures = stats.selection as SelectionFigures | undefined;
  return figures ? { choice: figures.choice, figures } : { choice: defaultChoice };
}
