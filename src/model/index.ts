export type { EventType, ShopEvent } from './events.ts';
export { historyKey, eventItem } from './events.ts';
export type { EventWeights, InteractionOptions } from './interaction-weights.ts';
export { defaultEventWeights, decay, eventWeight } from './interaction-weights.ts';
export type { InteractionGraph } from './interaction-graph.ts';
export type { InteractionLog, InteractionLogStats } from './interaction-log.ts';
export { createInteractionLog } from './interaction-log.ts';
export type { NeighbourList, NeighbourLookup, NeighbourTable } from './neighbour-list.ts';
export { roundWeight } from './neighbour-list.ts';
export type {
  SimilarItems,
  SimilarItemsBuilder,
  SimilarItemsOptions,
  SimilarityModel,
} from './similar-items/similar-items.ts';
export { createSimilarItemsBuilder, defaultSimilarity } from './similar-items/similar-items.ts';
export type { CosineOptions } from './similar-items/cosine.ts';
export type { Rp3betaOptions } from './similar-items/rp3beta.ts';
export type { EaseOptions } from './similar-items/ease.ts';
export type {
  BoughtTogetherBuilder,
  BoughtTogetherList,
  BoughtTogetherOptions,
  BoughtTogetherTable,
} from './bought-together.ts';
export { createBoughtTogetherBuilder } from './bought-together.ts';
export type { CatalogMaps, ItemMap } from './catalog.ts';
export type { TrendingBuilder, TrendingList, TrendingLists, TrendingOptions } from './trending.ts';
export { createTrendingBuilder } from './trending.ts';
export type { UserProfile, UserProfileOptions, UserProfilesBuilder } from './user-profile.ts';
export { createUserProfilesBuilder, profileHistory } from './user-profile.ts';
export type { HistoryEntry, Recommendation, RecommendOptions } from './recommend.ts';
export { defaultScoring, recommendFromHistory, scoredHistoryItems } from './recommend.ts';
export type { RebuildBuilder, RebuildOptions, RebuildTables } from './rebuild-builder.ts';
export { createRebuildBuilder } from './rebuild-builder.ts';
export type { TrendingUpdateOptions } from './trending-update.ts';
export { updateTrending } from './trending-update.ts';
export { forYouSources, precomputeForYou } from './precompute-for-you.ts';
