import type { AvailabilityOverrides, FreshEntries } from '../catalog/availability.ts';
import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';
import { ownValue } from '../security/own-key.ts';

/** What ranking and rendering need to know of an item. */
export interface CatalogView {
  /** Known to the catalog and available now (the newest of overrides, fresh entries and the snapshot wins). */
  available(id: string): boolean;
  categories(id: string): readonly string[];
  entry(id: string): CatalogEntry | undefined;
  /** Title in the requested language, falling back to the main title, then the id. */
  title(id: string, lang?: 'en' | 'zh'): string;
  /** The name of one of the item's categories in the requested language (the category itself when the catalog has none). */
  categoryName(id: string, category: string, lang?: 'en' | 'zh'): string;
}

/**
 * A catalog view over snapshot entries, the entries of items written since the snapshot
 * (`fresh`: they replace the snapshot's, so a price or title change shows at once) and
 * availability overrides.
 */
export function catalogView(entry: (id: string) => CatalogEntry | undefined, overrides: AvailabilityOverrides, fresh: FreshEntries = {}): CatalogView {
  const current = (id: string) => {
    const written = ownValue(fresh, id);
    return written ? (written[1] ?? undefined) : entry(id);
  };
  return {
    entry: current,
    available(id) {
      const override = ownValue(overrides, id);
      const written = ownValue(fresh, id);
      if (override && !(written && written[0] > override[1])) return override[0] === 1;
      return current(id)?.[3] === 1;
    },
    categories: (id) => current(id)?.[2] ?? [],
    title(id, lang) {
      const e = current(id);
      if (!e) return id;
      return (lang === 'zh' && e[6]) || e[0];
    },
    categoryName(id, category, lang) {
      if (lang !== 'zh') return category;
      const e = current(id);
      return (e && e[7]?.[e[2].indexOf(category)]) || category;
    },
  };
}
