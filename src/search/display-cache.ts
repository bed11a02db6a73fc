import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';

/**
 * The catalog snapshot entries (title, price, url, image) of items an isolate has shown, for one
 * version. A page's hits are looked up here before the bulk read, so only the catalog shards of
 * items not shown lately are read: a shard holds 256 items (about 50 KB at 100k items) for the
 * one line of about 200 bytes a hit needs. Versioned keys never change in place, so an entry is
 * good until the version changes (a catalog change since the build is served from the fresh
 * rows); least recently used out past a budget of bytes.
 */
export class DisplayCache {
  private version = '';
  private entries = new Map<string, [CatalogEntry | null, number]>();
  private bytes = 0;
  private readonly budgetBytes: number;

  /** @param budgetBytes what the entries may take, estimated as two bytes a character of their JSON plus 100 per entry */
  constructor(budgetBytes: number) {
    this.budgetBytes = budgetBytes;
  }

  /** The entry of `id` in `version` (null: the snapshot has none), undefined when not cached. */
  get(version: string, id: string): CatalogEntry | null | undefined {
    if (version !== this.version) return undefined;
    const hit = this.entries.get(id);
    if (!hit) return undefined;
    this.entries.delete(id);
    this.entries.set(id, hit);
    return hit[0];
  }

  /** Keeps the entry of `id` in `version` (a new version drops every other one). */
  set(version: string, id: string, entry: CatalogEntry | null): void {
    if (version !== this.version) {
      this.version = version;
      this.entries.clear();
      this.bytes = 0;
    }
    const size = 100 + 2 * (id.length + (entry ? JSON.stringify(entry).length : 0));
    const old = this.entries.get(id);
    if (old) this.bytes -= old[1];
    this.entries.delete(id);
    this.entries.set(id, [entry, size]);
    this.bytes += size;
    for (const [oldest, [, bytes]] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(oldest);
      this.bytes -= bytes;
    }
  }
}
