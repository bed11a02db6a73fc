/**
 * Where the offline job reads the catalog: D1 (the default; what `npm start` keeps locally), or
 * the archive's newest complete catalog snapshot (src/archive/catalog-snapshot.ts), read by
 * DuckDB's JSON reader, so that a job over an archive in R2 needs no D1 for its inputs.
 */
import { type SnapshotItemRow, snapshotItem } from '../archive/catalog-snapshot.ts';
import type { CatalogPages } from '../rebuild/catalog-snapshot.ts';
import type { Engine } from './engine.ts';
import { literal } from './sql-files.ts';

/**
 * The catalog of the newest complete snapshot in id order, a DuckDB chunk per page: `doneGlob`
 * matches the snapshots' `done.json` markers (archiveGlobs' `catalog`). An error naming the glob
 * when there is none.
 */
export async function archiveCatalogPages(engine: Engine, doneGlob: string): Promise<CatalogPages> {
  const [newest] = await engine.all<{ file: string }>(`SELECT file FROM glob(${literal(doneGlob)}) ORDER BY file DESC LIMIT 1`);
  if (!newest) throw new Error(`no complete catalog snapshot in the archive (${doneGlob})`);
  const parts = `${newest.file.slice(0, newest.file.lastIndexOf('/'))}/part-*.jsonl.gz`;
  // [DuckDB] read_json over the snapshot's objects (Spark: spark.read.json; Trino: a table over the folder).
  const sql = `SELECT id, title, categories, price, available, url, image, attributes, updated_at::DOUBLE
    FROM read_json(${literal(parts)}, format = 'newline_delimited',
      columns = {id: 'VARCHAR', title: 'VARCHAR', categories: 'VARCHAR', price: 'DOUBLE', available: 'INTEGER', url: 'VARCHAR',
                 image: 'VARCHAR', attributes: 'VARCHAR', updated_at: 'BIGINT'})
    ORDER BY id`;
  return async function* () {
    const [{ n } = { n: 0 }] = await engine.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM glob(${literal(parts)})`);
    if (!n) return;
    for await (const [ids, titles, categories, prices, available, urls, images, attributes, updated] of engine.columns(sql, engine.side))
      yield ids!.map((id, r) =>
        snapshotItem({
          id: id as string,
          title: titles![r] as string,
          categories: categories![r] as string,
          price: prices![r] as number | null,
          available: available![r] as 0 | 1,
          url: urls![r] as string | null,
          image: images![r] as string | null,
          attributes: attributes![r] as string,
          updated_at: updated![r] as number,
        } satisfies SnapshotItemRow),
      );
  };
}
