/** What a recommendation id says about the answer it names. */
export interface RidTag {
  /** The surface that answered (`for-you`, `similar`, ...). */
  surface: string;
  /** The experiment and arm index, when the answer was served under one. */
  experiment?: string;
  armIndex?: number;
}

/**
 * A recommendation id that carries its surface and experiment arm, so every event sent back
 * with it can be attributed without a lookup: `r-<16 hex>.<surface>[.<experiment>.<arm index>]`.
 *
 * @example
 * newRid({ surface: 'similar', experiment: 'x-1a2b3c4d', armIndex: 1 }); // 'r-9f...e1.similar.x-1a2b3c4d.1'
 */
export function newRid(tag: RidTag): string {
  const base = `r-${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}.${tag.surface}`;
  return tag.experiment === undefined ? base : `${base}.${tag.experiment}.${tag.armIndex ?? 0}`;
}

/** Campaign decisions' rids start with this (`c~<campaign>~<random>`); the campaigns' own roll-up counts their events. */
export const CAMPAIGN_RID_PREFIX = 'c~';
/** Search answers' ids (`qid`) start with this; events carrying one count for the `search` surface. */
export const SEARCH_QID_PREFIX = 'q-';

/**
 * Reads the tag of a rid. A search `qid` has surface `search`; a rid of another form (older
 * clients, hand-made, a surface not made of word characters) has surface `unknown`.
 */
export function parseRid(rid: string): RidTag {
  if (rid.startsWith(SEARCH_QID_PREFIX)) return { surface: 'search' };
  const parts = rid.split('.');
  if (parts.length < 2 || !parts[0]!.startsWith('r-')) return { surface: 'unknown' };
  const surface = /^[\w-]{1,40}$/.test(parts[1] ?? '') ? parts[1]! : 'unknown';
  if (parts.length < 4) return { surface };
  const armIndex = Number(parts[3]);
  return Number.isInteger(armIndex) && armIndex >= 0 ? { surface, experiment: parts[2], armIndex } : { surface };
}
