/**
 * The events step of the offline rebuild: the archive's events as every reader must see them
 * (each id once, tombstones applied, the window only) in the table `window_events`, built one
 * group of whole hour partitions at a time so that the deduplication holds one group, sized from
 * DuckDB's memory limit, and not the whole archive.
 */
import { eventObjectOf } from '../archive/layout.ts';
import type { Engine } from './engine.ts';
import { literal } from './sql-files.ts';

/**
 * Memory per archived row in a group's DISTINCT (every column, several strings, its hash table
 * entry), with room to spare: a group is the memory limit / 400 rows (2.5M at 1 GB). A DISTINCT
 * over 10M rows passed at a 1 GB limit (spilling) and over 50M did not (2026-12-03).
 */
const BYTES_PER_ARCHIVED_ROW = 400;
const HOUR = 3_600_000;

/** Options of {@link loadWindowEvents}. */
export interface EventsStepOptions {
  /** The archive's event objects, as a glob the engine lists (`<archive>/events/**\/*.jsonl.gz`). */
  eventsGlob: string;
  /** The archive's tombstones, as a glob (`<archive>/tombstones/*.json`). */
  tombstonesGlob: string;
  /** The window's first timestamp: older events (and whole partitions before it) are skipped. */
  sinceTs: number;
  /** Archived rows per group (default: the memory limit / 400 bytes). Tests force small groups. */
  rowsPerGroup?: number;
  /** Called after each group (for progress). */
  onGroup?: (done: number, total: number) => void;
}

/**
 * Builds `window_events` (and the view `archive_raw` over every object, the macro
 * `archive_events(files)`, the table `tombstones`). Returns the number of groups and objects read.
 */
export async function loadWindowEvents(engine: Engine, options: EventsStepOptions): Promise<{ groups: number; objects: number }> {
  const [{ n: tombstoneFiles } = { n: 0 }] = await engine.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM glob(${literal(options.tombstonesGlob)})`);
  const tombstones = tombstoneFiles
    ? `read_json(${literal(options.tombstonesGlob)}, format = 'newline_delimited', columns = {user_sha256: 'VARCHAR', up_to_seq: 'BIGINT', "at": 'BIGINT'})`
    : '(SELECT NULL::VARCHAR AS user_sha256, NULL::BIGINT AS up_to_seq WHERE false)';
  await engine.runFile('01-events.sql', { events_glob: options.eventsGlob, tombstones: { sql: tombstones } });
  const files = (await engine.all<{ file: string }>(`SELECT file FROM glob(${literal(options.eventsGlob)})`)).map((r) => r.file);
  const rowsPerGroup = options.rowsPerGroup ?? Math.max(100_000, Math.floor((await engine.memoryLimitBytes()) / BYTES_PER_ARCHIVED_ROW));
  const groups = eventGroups(files, options.sinceTs, rowsPerGroup);
  for (const [i, group] of groups.entries()) {
    await engine.runFile('01-events-group.sql', { files: { sql: `[${group.map(literal).join(', ')}]` }, since_ts: options.sinceTs });
    options.onGroup?.(i + 1, groups.length);
  }
  return { groups: groups.length, objects: groups.reduce((n, g) => n + g.length, 0) };
}

/**
 * The archive's objects in groups of whole hour partitions (`date=YYYY-MM-DD/hour=HH`, the hour
 * of the rows' `ts`, so every copy of an event is in one partition), in partition order, each group
 * at most `rowsPerGroup` rows by the objects' names (`<first seq>-<last seq>`: at most that many
 * rows) unless one partition alone is more. Partitions that end before `sinceTs` are left out;
 * objects outside the layout form one group of their own (they may hold copies of each other).
 */
export function eventGroups(files: readonly string[], sinceTs: number, rowsPerGroup: number): string[][] {
  const partitions = new Map<string, { files: string[]; rows: number }>();
  const outside: string[] = [];
  for (const file of files) {
    const object = eventObjectOf(file);
    if (!object) {
      outside.push(file);
      continue;
    }
    if (Number.isFinite(object.start) && object.start + HOUR <= sinceTs) continue;
    const partition = partitions.get(object.partition) ?? { files: [], rows: 0 };
    partition.files.push(file);
    partition.rows += object.rows ?? rowsPerGroup;
    partitions.set(object.partition, partition);
  }
  const groups: string[][] = [];
  let current: string[] = [];
  let rows = 0;
  for (const key of [...partitions.keys()].sort()) {
    const partition = partitions.get(key)!;
    if (current.length > 0 && rows + partition.rows > rowsPerGroup) {
      groups.push(current);
      current = [];
      rows = 0;
    }
    current.push(...partition.files);
    rows += partition.rows;
  }
  if (current.length > 0) groups.push(current);
  if (outside.length > 0) groups.push(outside);
  return groups;
}
