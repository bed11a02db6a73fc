/**
 * A uniform number in [0, 1) from a unit and an experiment id (53-bit cyrb53 hash of
 * `experiment:unit`): the same on every request and isolate, and independent between
 * experiments because the experiment id salts the hash.
 */
export function bucketOf(unit: string, experiment: string): number {
  const text = `${experiment}:${unit}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return ((h2 >>> 0) * 2 ** 21 + (h1 >>> 11)) / 2 ** 53;
}

/**
 * The arm (index) a unit falls in, for arms with the given traffic shares (any positive
 * scale; normalised here). Deterministic: see {@link bucketOf}.
 *
 * @example
 * assignArm('u-42', 'x-1a2b3c4d', [0.5, 0.5]); // 0 or 1, always the same for u-42
 */
export function assignArm(unit: string, experiment: string, shares: readonly number[]): number {
  const total = shares.reduce((sum, s) => sum + Math.max(0, s), 0);
  if (!(total > 0)) return 0;
  let point = bucketOf(unit, experiment) * total;
  for (let i = 0; i < shares.length; i++) {
    point -= Math.max(0, shares[i]!);
    if (point < 0) return i;
  }
  return shares.length - 1;
}
