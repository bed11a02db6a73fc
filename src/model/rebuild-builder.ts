import { createBoughtTogetherBuilder, type BoughtTogetherOptions, type BoughtTogetherTable } from './bought-together.ts';
import type { CatalogMaps } from './catalog.ts';
import type { ShopEvent } from './events.ts';
import { createSimilarItemsBuilder, type SimilarItems, type SimilarItemsOptions } from './similar-items/similar-items.ts';
import { createTrendingBuilder, type TrendingLists, type TrendingOptions } from './trending.ts';
import { createUserProfilesBuilder, type UserProfile, type UserProfileOptions } from './user-profile.ts';

/** Options of every table a rebuild derives; the catalog is shared. */
export interface RebuildOptions {
  catalog?: CatalogMaps;
  similarItems?: SimilarItemsOptions;
  boughtTogether?: BoughtTogetherOptions;
  /** Short half-life list (default 2 days). */
  trending?: Omit<TrendingOptions, 'catalog'>;
  /** All-time list (default no decay). */
  popular?: Omit<TrendingOptions, 'catalog'>;
  profiles?: Omit<UserProfileOptions, 'catalog'>;
}

/** Every derived table of one rebuild. Neighbours and profiles are lazy: iterate them once. */
export interface RebuildTables {
  similarItems: SimilarItems;
  boughtTogether: BoughtTogetherTable;
  trending: TrendingLists;
  popular: TrendingLists;
  profiles: Iterable<[string, UserProfile]>;
}

/** Feeds one pass over the event log to every table builder. */
export interface RebuildBuilder {
  add(events: readonly ShopEvent[]): void;
  finish(now?: number): RebuildTables;
}

/**
 * One streaming pass for the whole rebuild: each page of the event log goes to the
 * neighbour, bought-together, trending, popular and profile builders.
 *
 * @example
 * const rebuild = createRebuildBuilder({ catalog: { categories, prices } });
 * for await (const page of eventPages(db, 1000)) rebuild.add(page);
 * const tables = rebuild.finish(Date.now());
 */
export function createRebuildBuilder(options: RebuildOptions = {}): RebuildBuilder {
  const { catalog } = options;
  const similar = createSimilarItemsBuilder(options.similarItems);
  const together = createBoughtTogetherBuilder(options.boughtTogether);
  const trending = createTrendingBuilder({ ...options.trending, catalog });
  const popular = createTrendingBuilder({ halfLifeMs: Infinity, ...options.popular, catalog });
  const profiles = createUserProfilesBuilder({ ...options.profiles, catalog });
  return {
    add(events) {
      similar.add(events);
      together.add(events);
      trending.add(events);
      popular.add(events);
      profiles.add(events);
    },
    finish(now) {
      return {
        similarItems: similar.finish(now),
        boughtTogether: together.finish().table,
        trending: trending.finish(now),
        popular: popular.finish(now),
        profiles: profiles.finish(now),
      };
    },
  };
}
