import type { CatalogMaps } from '../model/catalog.ts';
import type { ShopEvent } from '../model/events.ts';
import type { UserProfile } from '../model/user-profile.ts';
import type { PartJob } from './build-part.ts';
import type { RebuildExtension } from './extension.ts';

/** Watches one part of a rebuild: the events it reads and the profiles it builds (with their scored candidates). */
export interface PartObserver {
  /** A page of the events of this part's shoppers, in time order. */
  events(page: readonly ShopEvent[]): void;
  /** One shopper's finished profile. */
  profile(user: string, profile: UserProfile): void;
  /** After the part wrote its shards; a failure fails the part (it is retried). */
  finish(): Promise<void>;
}

/**
 * Something that derives its own state from every rebuild (segments, audiences): it sees each
 * part's events and profiles, then runs once when the version is published. Unlike a
 * {@link RebuildExtension} (a table built in part 0 from every event and written to the table
 * store), an observer runs in every part, on that part's shoppers, and keeps its state elsewhere.
 */
export interface RebuildObserver {
  readonly name: string;
  startPart(job: PartJob, catalog: CatalogMaps): Promise<PartObserver>;
  /** After the pointer flipped, in the invocation that published. Its figures go into the run's stats. */
  published(version: string, now: number): Promise<Record<string, unknown>>;
}
