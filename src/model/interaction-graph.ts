/**
 * Users x items as two compressed sparse row tables (one per direction), the
 * only input of the similarity models. Memory grows with kept interactions:
 * about 24 bytes per interaction plus 8 per user and per item.
 */
export interface InteractionGraph {
  /** Item ids; an item's index is its position here. */
  itemIds: readonly string[];
  userCount: number;
  /** Row `u` of the user table is `userItems[userStart[u] .. userStart[u + 1]]`. */
  userStart: Int32Array;
  userItems: Int32Array;
  userWeights: Float32Array;
  /** Row `i` of the item table is `itemUsers[itemStart[i] .. itemStart[i + 1]]`. */
  itemStart: Int32Array;
  itemUsers: Int32Array;
  itemWeights: Float32Array;
  /** Each user row's history key (user id or `session:<id>`), when the builder kept them. */
  userKeys?: readonly string[];
  /** Hours from each interaction's latest event to the graph's `now`, aligned with `userItems` (when the builder kept them). */
  userAges?: Float32Array;
  /** The time (ms) `userAges` count back from. */
  agedAt?: number;
}

/** One user's row while the graph is assembled: item indexes and their weights. */
export interface UserRow {
  items: ArrayLike<number>;
  weights: ArrayLike<number>;
  /** Hours since each interaction's latest event (optional; all rows or none). */
  ages?: ArrayLike<number>;
}

/**
 * Packs user rows into an {@link InteractionGraph}. Rows are consumed once, in order,
 * so a caller can drop each source row as soon as it is yielded.
 */
export function packInteractionGraph(
  itemIds: readonly string[],
  rows: Iterable<UserRow>,
  interactionCount: number,
  userCount: number,
  userKeys?: readonly string[],
): InteractionGraph {
  const userStart = new Int32Array(userCount + 1);
  const userItems = new Int32Array(interactionCount);
  const userWeights = new Float32Array(interactionCount);
  let userAges: Float32Array | undefined;
  const itemDegree = new Int32Array(itemIds.length + 1);
  let u = 0;
  let at = 0;
  for (const row of rows) {
    if (row.ages && !userAges) userAges = new Float32Array(interactionCount);
    for (let n = 0; n < row.items.length; n++) {
      const item = row.items[n] as number;
      if (userAges) userAges[at] = (row.ages?.[n] as number | undefined) ?? 0;
      userItems[at] = item;
      userWeights[at] = row.weights[n] as number;
      itemDegree[item + 1]!++;
      at++;
    }
    userStart[++u] = at;
  }
  const itemStart = new Int32Array(itemIds.length + 1);
  for (let i = 0; i < itemIds.length; i++) itemStart[i + 1] = itemStart[i]! + itemDegree[i + 1]!;
  const fill = itemStart.slice(0, itemIds.length);
  const itemUsers = new Int32Array(at);
  const itemWeights = new Float32Array(at);
  for (let user = 0; user < u; user++) {
    for (let p = userStart[user]!; p < userStart[user + 1]!; p++) {
      const slot = fill[userItems[p]!]!++;
      itemUsers[slot] = user;
      itemWeights[slot] = userWeights[p]!;
    }
  }
  return {
    itemIds,
    userCount: u,
    userStart: userStart.subarray(0, u + 1),
    userItems: userItems.subarray(0, at),
    userWeights: userWeights.subarray(0, at),
    itemStart,
    itemUsers,
    itemWeights,
    ...(userKeys ? { userKeys } : {}),
    ...(userAges ? { userAges: userAges.subarray(0, at) } : {}),
  };
}
