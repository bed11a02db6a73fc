/**
 * Data sets of `bench:rebuild` as API events and catalog items. Real data is read in place
 * from ../shared/data (never copied) and converted with the project's converters
 * (`converters` in src/eval/convert/formats.ts); titles and categories come from the data
 * where it has them. Timestamps are shifted so that the newest event lies one minute
 * before `now`, gaps kept, and the span in days is reported so that the rebuild window
 * can be set to cover every event.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { converters } from '../eval/convert/formats.ts';
import { splitQuoted } from '../eval/convert/online-retail.ts';
import { syntheticCatalogSize, syntheticEventPages } from '../eval/synthetic-events.ts';

/** Where the shared data sets live (../shared/data from the project root). */
export const DATA = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');

/** An event as `POST /v1/events` takes it. */
export interface ApiEvent {
  id: string;
  type: string;
  user: string;
  item: string;
  value?: number;
  ts: number;
}

/** An item as `PUT /v1/items` takes it. */
export interface ApiItem {
  id: string;
  title: string;
  categories: string[];
  price?: number;
}

/** A data set ready to load. */
export interface BenchSet {
  name: string;
  /** Which files, for the report. */
  source: string;
  events: ApiEvent[];
  items: ApiItem[];
  /** Days between the oldest and the newest event (before the shift, which keeps it). */
  spanDays: number;
}

/** The names `BENCH_SETS` takes. */
export const REAL_SETS = ['movielens', 'taobao', 'retail'] as const;

const TAOBAO_FILES = ['UserBehavior_43users_fattydelivery.csv', 'UserBehavior_114users_betashepherd.csv', 'UserBehavior_timeslice_2017-11-26_jasonwang1.csv'];
const MINUTE = 60_000;
const DAY = 86_400_000;

/** Loads one real data set by name. */
export function realSet(name: string, now: number): BenchSet {
  if (name === 'movielens') return movielens(now);
  if (name === 'taobao') return taobao(now);
  if (name === 'retail') return retail(now);
  throw new Error(`unknown data set "${name}" (known: ${REAL_SETS.join(', ')})`);
}

/** CSV lines `user,item,type,value,timestamp` (from a converter) to API events with ids `<prefix>-<n>`, newest at now - 1 min. */
function toEvents(lines: readonly string[], prefix: string, now: number): { events: ApiEvent[]; spanDays: number } {
  let newest = -Infinity;
  let oldest = Infinity;
  const parsed = lines.map((line) => {
    const [user = '', item = '', type = '', value = '', ts = ''] = line.split(',');
    const t = Number(ts);
    if (t > newest) newest = t;
    if (t < oldest) oldest = t;
    return { user, item, type, value: value === '' ? undefined : Number(value), ts: t };
  });
  const shift = now - MINUTE - newest;
  const events = parsed.map((e, n): ApiEvent => ({
    id: `${prefix}-${n + 1}`,
    type: e.type,
    user: e.user,
    item: e.item,
    ...(e.value === undefined ? {} : { value: e.value }),
    ts: e.ts + shift,
  }));
  return { events, spanDays: (newest - oldest) / DAY };
}

/** MovieLens 100K: ratings; titles from u.item (latin-1), genres as categories. */
function movielens(now: number): BenchSet {
  const dir = path.join(DATA, 'movielens-100k');
  const { events, spanDays } = toEvents(converters.movielens!(readFileSync(path.join(dir, 'u.data'), 'utf8')), 'ml', now);
  const genres = readFileSync(path.join(dir, 'u.genre'), 'latin1')
    .split('\n')
    .map((line) => line.split('|'))
    .filter((f) => f.length === 2 && f[0])
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((f) => f[0]!);
  const items: ApiItem[] = [];
  for (const line of readFileSync(path.join(dir, 'u.item'), 'latin1').split('\n')) {
    const f = line.split('|');
    if (f.length < 6 || !f[0]) continue;
    const categories = f
      .slice(5)
      .map((flag, g) => (flag.trim() === '1' ? genres[g] : undefined))
      .filter((g): g is string => !!g && g !== 'unknown');
    items.push({ id: f[0], title: (f[1] ?? '').trim().slice(0, 300) || f[0], categories });
  }
  return { name: 'movielens', source: 'movielens-100k/u.data + u.item', events, items, spanDays };
}

/** The three Taobao UserBehavior files together; the category id is the item's category. */
function taobao(now: number): BenchSet {
  const lines: string[] = [];
  const category = new Map<string, string>();
  for (const file of TAOBAO_FILES) {
    const text = readFileSync(path.join(DATA, 'taobao-userbehavior', file), 'utf8');
    lines.push(...converters.taobao!(text));
    for (const line of text.split('\n')) {
      const [, item, cat] = line.split(',');
      if (item && cat && !category.has(item)) category.set(item, cat.trim());
    }
  }
  const { events, spanDays } = toEvents(lines, 'tb', now);
  const items = [...category].map(([id, cat]): ApiItem => ({ id, title: id, categories: [`cat-${cat}`] }));
  return { name: 'taobao', source: `taobao-userbehavior/ (${TAOBAO_FILES.length} files)`, events, items, spanDays };
}

/** Online Retail sample: purchases; the description is the title, the unit price the price. */
function retail(now: number): BenchSet {
  const text = readFileSync(path.join(DATA, 'uci-online-retail-sample', 'online_retail_sample_20k.csv'), 'utf8');
  const { events, spanDays } = toEvents(converters.retail!(text), 'or', now);
  const described = new Map<string, ApiItem>();
  const fallback = new Map<string, ApiItem>();
  for (const line of text.split(/\r?\n/).slice(1)) {
    const [, id = '', description = '', quantity = '', , price = ''] = splitQuoted(line);
    if (!id || /\s/.test(id)) continue;
    const title = description.trim().slice(0, 300);
    const p = Number(price);
    const item: ApiItem = { id, title: title || id, categories: [], ...(p >= 0 && Number.isFinite(p) && price !== '' ? { price: p } : {}) };
    if (title && Number(quantity) > 0 && p > 0) {
      if (!described.has(id)) described.set(id, item);
    } else if (!fallback.has(id)) fallback.set(id, item);
  }
  for (const [id, item] of fallback) if (!described.has(id)) described.set(id, item);
  return { name: 'retail', source: 'uci-online-retail-sample/online_retail_sample_20k.csv', events, items: [...described.values()], spanDays };
}

/** Options of the synthetic log. */
export interface SyntheticSet {
  events: number;
  seed: number;
  /** Events per page (and per chunk handed to the loader). */
  pageSize: number;
}

/** Newest timestamp and span of a synthetic log (one pass of the seeded generator). */
export function syntheticSpan(options: SyntheticSet): { newest: number; oldest: number } {
  let newest = -Infinity;
  let oldest = Infinity;
  for (const page of syntheticEventPages(options)) {
    for (const e of page) {
      if (e.ts > newest) newest = e.ts;
      if (e.ts < oldest) oldest = e.ts;
    }
  }
  return { newest, oldest };
}

/** The synthetic log as pages of API events (ids `syn-<n>`), shifted so the newest is at now - 1 min. */
export function* syntheticApiPages(options: SyntheticSet, now: number, newest: number): Generator<ApiEvent[]> {
  const shift = now - MINUTE - newest;
  let n = 0;
  for (const page of syntheticEventPages(options)) {
    yield page.map((e): ApiEvent => ({
      id: `syn-${++n}`,
      type: e.type,
      user: e.user,
      item: e.item!,
      ...(e.value == null ? {} : { value: e.value }),
      ts: e.ts + shift,
    }));
  }
}

/** The synthetic catalog: items `i0..i<items-1>` as the generator names them (title = id, no categories; size: syntheticCatalogSize). */
export function syntheticItems(events: number): ApiItem[] {
  const items = syntheticCatalogSize(events);
  return Array.from({ length: items }, (_, i) => ({ id: `i${i}`, title: `i${i}`, categories: [] }));
}
