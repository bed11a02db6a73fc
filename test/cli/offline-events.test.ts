/**
 * The offline rebuild's events step in groups of hour partitions (src/offline/events-step.ts):
 * an archive written twice with other page boundaries (a retried batch) and a tombstone, read in
 * many small groups, keeps each event once, drops the erased ones, and equals one whole-archive group.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gzipLines } from '../../src/archive/jsonl.ts';
import { type ArchivedEvent, eventObjectKey, partitionOf, sha256Hex, tombstoneKey } from '../../src/archive/layout.ts';
import { archiveGlobs } from '../../src/offline/dir-bucket.ts';
import { type Engine, openEngine } from '../../src/offline/engine.ts';
import { eventGroups, loadWindowEvents } from '../../src/offline/events-step.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 11, 1, 0, 0, 0);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function scratch(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `${name}-`));
  dirs.push(dir);
  return dir;
}

/** 1,200 events over 24 hours, seq in time order, 30 shoppers. */
function events(): ArchivedEvent[] {
  return Array.from({ length: 1200 }, (_, i) => ({
    seq: i + 1,
    id: `e${i}`,
    type: i % 7 === 0 ? 'add_to_cart' : 'view',
    user_id: `u${i % 30}`,
    item_id: `i${(i * 13) % 97}`,
    items: null,
    value: null,
    price: null,
    rid: null,
    session: null,
    context: null,
    ts: START + Math.floor((i * 24 * HOUR) / 1200),
    received_at: START + Math.floor((i * 24 * HOUR) / 1200) + 5,
  }));
}

/** Writes the rows as the archive writer does: pages in seq order, each split by hour partition. */
async function writePages(root: string, rows: readonly ArchivedEvent[], pageSize: number, offset = 0): Promise<void> {
  const starts = [0];
  for (let s = offset || pageSize; s < rows.length; s += pageSize) starts.push(s);
  for (const [n, from] of starts.entries()) {
    const page = rows.slice(from, starts[n + 1] ?? rows.length);
    const partitions = new Map<string, ArchivedEvent[]>();
    for (const row of page) partitions.set(partitionOf(row.ts), [...(partitions.get(partitionOf(row.ts)) ?? []), row]);
    for (const [partition, lines] of partitions) {
      const file = path.join(root, eventObjectKey(partition, lines[0]!.seq, lines.at(-1)!.seq));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, await gzipLines(lines));
    }
  }
}

async function windowEvents(root: string, sinceTs: number, rowsPerGroup: number): Promise<{ groups: number; rows: { id: string; seq: number }[] }> {
  const temp = scratch('events-step');
  const engine: Engine = await openEngine({ memoryLimit: '256MB', threads: 2, tempDirectory: path.join(temp, 'spill') });
  try {
    const globs = archiveGlobs(root);
    const { groups } = await loadWindowEvents(engine, { eventsGlob: globs.events, tombstonesGlob: globs.tombstones, sinceTs, rowsPerGroup });
    const rows = await engine.all<{ id: string; seq: number }>('SELECT id, seq::DOUBLE AS seq FROM window_events ORDER BY seq');
    return { groups, rows };
  } finally {
    engine.close();
  }
}

describe('events step in groups of hour partitions', () => {
  it('keeps each event of a retried batch once, applies tombstones, and equals one whole-archive group', async () => {
    const rows = events();
    const root = scratch('archive');
    await writePages(root, rows, 100);
    await writePages(root, rows, 100, 37); // the retry: other page boundaries, other object names
    const erased = 'u4';
    const upToSeq = 700;
    const tombstone = { user_sha256: await sha256Hex(erased), up_to_seq: upToSeq, at: START + 30 * HOUR };
    mkdirSync(path.join(root, 'tombstones'), { recursive: true });
    writeFileSync(path.join(root, tombstoneKey(tombstone)), JSON.stringify(tombstone));
    const sinceTs = START + 3 * HOUR + HOUR / 2;

    const expected = rows.filter((e) => e.ts >= sinceTs && !(e.user_id === erased && e.seq <= upToSeq)).map((e) => ({ id: e.id, seq: e.seq }));
    const grouped = await windowEvents(root, sinceTs, 120);
    const whole = await windowEvents(root, sinceTs, Number.MAX_SAFE_INTEGER);

    expect(grouped.groups).toBeGreaterThan(5);
    expect(whole.groups).toBe(1);
    expect(grouped.rows).toEqual(expected);
    expect(whole.rows).toEqual(expected);
    expect(expected.some((e) => rows[e.seq - 1]!.user_id === erased)).toBe(true);
  });

  it('never splits an hour partition, leaves out the ones before the window, keeps stray objects together', () => {
    const at = (day: string, hour: string, from: number, to: number) =>
      `/a/events/date=${day}/hour=${hour}/${String(from).padStart(15, '0')}-${String(to).padStart(15, '0')}.jsonl.gz`;
    const files = [
      at('2026-12-01', '00', 1, 50),
      at('2026-12-01', '01', 51, 100),
      at('2026-12-01', '01', 60, 90),
      at('2026-12-01', '02', 101, 400),
      at('2026-12-01', '03', 401, 420),
      at('2026-11-30', '23', 1, 10),
      '/a/events/stray-1.jsonl.gz',
      '/a/events/stray-2.jsonl.gz',
    ];
    const groups = eventGroups(files, Date.UTC(2026, 11, 1, 0, 30), 100);
    expect(groups).toEqual([
      [at('2026-12-01', '00', 1, 50)],
      [at('2026-12-01', '01', 51, 100), at('2026-12-01', '01', 60, 90)],
      [at('2026-12-01', '02', 101, 400)],
      [at('2026-12-01', '03', 401, 420)],
      ['/a/events/stray-1.jsonl.gz', '/a/events/stray-2.jsonl.gz'],
    ]);
  });
});
