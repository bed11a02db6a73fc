/**
 * Sums two scored lists after scaling each so its best score is 1, the second weighted by
 * `weight`: how a neighbour model's personal scores are blended with popularity (or content
 * similarity). Items in only one list keep that list's part. Sorted best first (ties by id).
 *
 * @example
 * blendLists([['a', 2], ['b', 1]], [['c', 10], ['b', 5]], 0.5);
 * // [['a', 1], ['b', 0.75], ['c', 0.5]]
 */
export function blendLists(
  first: ReadonlyArray<readonly [string, number]>,
  second: ReadonlyArray<readonly [string, number]>,
  weight: number,
): Array<[string, number]> {
  const scores = new Map<string, number>();
  const add = (list: ReadonlyArray<readonly [string, number]>, w: number) => {
    const top = list.reduce((m, [, s]) => Math.max(m, s), 0);
    if (!(top > 0) || !(w > 0)) return;
    for (const [id, s] of list) if (s > 0) scores.set(id, (scores.get(id) ?? 0) + (w * s) / top);
  };
  add(first, 1);
  add(second, weight);
  return [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
