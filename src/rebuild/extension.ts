import type { Database } from '../db/client.ts';
import type { ShopEvent } from '../model/events.ts';
import type { TableStore } from '../tables/table-store.ts';
import type { CatalogPages } from './catalog-snapshot.ts';

/**
 * A table the rebuild builds beside the recommendation tables (the search index is one). It
 * starts in every part of a run (and shares the work out by `job`), sees every event page of
 * the window, writes its keys under the run's version, and names their shard counts so that
 * the manifest finds them and retiring the version deletes them (parts' counts merge by maximum).
 */
export interface RebuildExtension {
  readonly name: string;
  /**
   * Starts a build (reads what it needs from D1, e.g. the catalog) for part `job.part` of `job.parts` (default 0 of 1);
   * `catalog` reads the catalog elsewhere (the offline job's archive snapshot) instead of D1.
   */
  start(db: Database, now: number, job?: { part: number; parts: number }, catalog?: CatalogPages): Promise<ExtensionBuild>;
  /** Store writes a build adds to its part (for planning parts). */
  plannedWrites(catalogSize: number): number;
  /** Runs after the pointer flipped to a version whose snapshot was read at `startedAt`. */
  published?(store: TableStore, startedAt: number): Promise<void>;
}

/** One build of an extension. */
export interface ExtensionBuild {
  add(page: readonly ShopEvent[]): void;
  /** Writes the tables with `put` and returns their shard counts by table name (as in the manifest). */
  finish(version: string, put: (key: string, value: string) => Promise<void>): Promise<Record<string, number>>;
}
