/**
 * Sizes of one version's tables as the local KV stored them: miniflare keeps KV keys in a
 * SQLite index (`v3/kv/miniflare-KVNamespaceObject/<id>.sqlite`, table `_mf_entries`) and each
 * value as a blob file (`v3/kv/<namespace id>/blobs/<blob_id>`). Read after wrangler stopped.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ShardedTable } from '../tables/layout.ts';

/** Keys and value bytes per table of a version. */
export type TableSizes = Record<ShardedTable | 'tr', { keys: number; bytes: number }>;

export async function kvTableSizes(persistTo: string, version: string): Promise<TableSizes | undefined> {
  const found = await kvSizesByTable(persistTo, `t:${version}:`);
  if (!found) return undefined;
  const sizes: TableSizes = {
    nb: { keys: 0, bytes: 0 },
    bt: { keys: 0, bytes: 0 },
    pf: { keys: 0, bytes: 0 },
    ct: { keys: 0, bytes: 0 },
    tr: { keys: 0, bytes: 0 },
  };
  for (const [table, size] of found) if (table in sizes) sizes[table as keyof TableSizes] = size;
  return sizes;
}

/** Keys and value bytes of the local KV's keys beginning with `prefix`, by table (the key's third part). */
export async function kvSizesByTable(persistTo: string, prefix: string): Promise<Map<string, { keys: number; bytes: number }> | undefined> {
  const kv = path.join(persistTo, 'v3', 'kv');
  const objects = path.join(kv, 'miniflare-KVNamespaceObject');
  const index = readdirSync(objects).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  const namespace = readdirSync(kv).find((f) => f !== 'miniflare-KVNamespaceObject');
  if (!index || !namespace) return undefined;
  // node:sqlite is stable enough for reading an index; keep its ExperimentalWarning out of the report.
  const emitWarning = process.emitWarning;
  process.emitWarning = (() => undefined) as typeof process.emitWarning;
  const { DatabaseSync } = await import('node:sqlite').finally(() => (process.emitWarning = emitWarning));
  const db = new DatabaseSync(path.join(objects, index), { readOnly: true });
  try {
    const rows = db.prepare('SELECT key, blob_id FROM _mf_entries WHERE key LIKE ?').all(`${prefix}%`) as { key: string; blob_id: string }[];
    const sizes = new Map<string, { keys: number; bytes: number }>();
    for (const row of rows) {
      const table = row.key.split(':')[2] ?? '';
      const size = sizes.get(table) ?? { keys: 0, bytes: 0 };
      size.keys++;
      size.bytes += statSync(path.join(kv, namespace, 'blobs', row.blob_id)).size;
      sizes.set(table, size);
    }
    return sizes;
  } finally {
    db.close();
  }
}
