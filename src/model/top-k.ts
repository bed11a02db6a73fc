/**
 * Keeps the `k` highest-scoring entries seen so far (a min-heap), so picking the
 * top K of n candidates costs O(n log K) and O(K) memory.
 *
 * @example
 * const top = createTopK<string>(2);
 * top.push('a', 1); top.push('b', 3); top.push('c', 2);
 * top.drain(); // [['b', 3], ['c', 2]]
 */
export interface TopK<T> {
  push(id: T, score: number): void;
  /** The lowest score still kept, or -Infinity while fewer than `k` are kept. */
  floor(): number;
  /** The kept entries, best first; empties the heap. Ties keep the id pushed first. */
  drain(): Array<[T, number]>;
}

/** Creates an empty {@link TopK} of capacity `k`. */
export function createTopK<T>(k: number): TopK<T> {
  const ids: T[] = [];
  const scores: number[] = [];
  const order: number[] = [];
  let pushed = 0;

  const less = (a: number, b: number): boolean => scores[a]! < scores[b]! || (scores[a] === scores[b] && order[a]! > order[b]!);

  function swap(a: number, b: number): void {
    const id = ids[a]!;
    ids[a] = ids[b]!;
    ids[b] = id;
    const score = scores[a]!;
    scores[a] = scores[b]!;
    scores[b] = score;
    const pushedAt = order[a]!;
    order[a] = order[b]!;
    order[b] = pushedAt;
  }

  function siftDown(at: number): void {
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let least = at;
      if (left < ids.length && less(left, least)) least = left;
      if (right < ids.length && less(right, least)) least = right;
      if (least === at) return;
      swap(at, least);
      at = least;
    }
  }

  return {
    push(id, score) {
      if (k <= 0) return;
      if (ids.length < k) {
        ids.push(id);
        scores.push(score);
        order.push(pushed++);
        for (let at = ids.length - 1; at > 0;) {
          const parent = (at - 1) >> 1;
          if (!less(at, parent)) break;
          swap(at, parent);
          at = parent;
        }
        return;
      }
      if (score <= scores[0]!) return;
      ids[0] = id;
      scores[0] = score;
      order[0] = pushed++;
      siftDown(0);
    },
    floor() {
      return ids.length < k ? -Infinity : scores[0]!;
    },
    drain() {
      const out: Array<[T, number]> = [];
      while (ids.length > 0) {
        out.push([ids[0]!, scores[0]!]);
        swap(0, ids.length - 1);
        ids.pop();
        scores.pop();
        order.pop();
        siftDown(0);
      }
      return out.reverse();
    },
  };
}
