import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';

const words = (text: string) => {
  const lower = text.toLowerCase();
  const latin = lower.match(/[a-z0-9]{3,}/g) ?? [];
  const han = [...lower.matchAll(/[\u4e00-\u9fff]+/g)].flatMap(([run]) =>
    run.length < 2 ? [run] : Array.from({ length: run.length - 1 }, (_, i) => run.slice(i, i + 2)),
  );
  return new Set([...latin.map((w) => w.replace(/s$/, '')), ...han]);
};

/**
 * The catalog item whose title (English or Chinese) and categories share the most words with
 * a free-text query ("wireless earbuds", "露营帐篷"), or undefined when none shares any.
 * Ties go to available items, then to the smaller id.
 */
export function findItemByText(catalog: Iterable<readonly [string, CatalogEntry]>, query: string): string | undefined {
  const wanted = words(query);
  if (wanted.size === 0) return undefined;
  let best: { id: string; score: number } | undefined;
  for (const [id, [title, , categories, available, , , titleZh]] of catalog) {
    const have = words(`${title} ${titleZh ?? ''} ${categories.join(' ')}`);
    let score = 0;
    for (const w of wanted) if (have.has(w)) score++;
    if (score === 0) continue;
    score += available ? 0.5 : 0;
    if (!best || score > best.score || (score === best.score && id < best.id)) best = { id, score };
  }
  return best?.id;
}
