import type { AvailabilityOverrides } from '../catalog/availability.ts';
import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';
import { ownValue } from '../security/own-key.ts';

/** What ranking and rendering need to know of an item. */
export interface CatalogView {
  /** Known to the snapshot and available now (overrides win over the snapshot). */
  available(id: string): boolean;
  categories(id: string): readonly string[];
  entry(id: string): CatalogEntry | undefined;
  /** Title in the requested language, falling back to the main title, then the id. */
  title(id: string, lang?: 'en' | 'zh'): string;
}

/** A catalog view over snapshot entries and availability overrides. */
export function catalogView(entry: (id: string) => CatalogEntry | undefined, overrides: AvailabilityOverrides): CatalogView {
  return {
    entry,
    available(id) {
      const override = ownValue(overrides, id);
      if (override) return override[0] === 1;
      return entry(id)?.[3] === 1;
    },
    categories: (id) => entry(id)?.[2] ?? [],
    title(id, lang) {
      const e = entry(id);
      if (!e) return id;
      return (lang === 'zh' && e[6]) || e[0];
    },
  };
}
