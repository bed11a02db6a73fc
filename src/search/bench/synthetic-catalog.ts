/**
 * A seeded synthetic catalog of any size for the search benchmark: the demo shop's product
 * kinds (English and Chinese titles, categories) crossed with made-up brands, colours and
 * models, and descriptions drawn with Zipf frequencies from a made-up vocabulary, so that the
 * index has a few very long postings lists (common words, categories) and a long tail, as a
 * real catalog does.
 */
import type { ItemInput } from '../../catalog/item-schema.ts';
import { demoCatalog } from '../../demo/catalog.ts';
import { type Random, seededRandom, zipfPicker } from '../../random.ts';

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'to', 'sha', 'vi', 'no', 'bel', 'dar', 'qui', 'ste', 'pa', 'ro', 'zen', 'fu', 'gra', 'hel', 'jo', 'xu'];
const COLOURS = ['black', 'white', 'blue', 'green', 'red', 'grey', 'pink', 'navy', 'beige', 'olive'];
const DESCRIPTION_WORDS = 20_000;

function madeUpWord(random: Random, syllables: number): string {
  return Array.from({ length: syllables }, () => random.pick(SYLLABLES)).join('');
}

/** The queries a search box sees on this catalog: kinds, brands, Chinese, prefixes, typos, description words, nonsense. */
export interface SyntheticCatalog {
  items: ItemInput[];
  brands: string[];
  words: string[];
}

/**
 * `n` items, deterministic for a seed.
 *
 * @example syntheticCatalog(100_000).items.length === 100_000
 */
export function syntheticCatalog(n: number, seed = 11): SyntheticCatalog {
  const random = seededRandom(seed);
  const kinds = demoCatalog().map((p) => p.item);
  const brands = Array.from({ length: Math.max(20, Math.round(n / 50)) }, () => madeUpWord(random, 2 + (random.next() < 0.5 ? 1 : 0)));
  const words = Array.from({ length: DESCRIPTION_WORDS }, () => madeUpWord(random, 2 + random.int(0, 2)));
  const pickWord = zipfPicker(words.length, 1.0);
  const pickKind = zipfPicker(kinds.length, 0.6);
  const items: ItemInput[] = [];
  for (let i = 0; i < n; i++) {
    const kind = kinds[pickKind(random)]!;
    const brand = random.pick(brands);
    const colour = random.pick(COLOURS);
    const description = Array.from({ length: random.int(12, 30) }, () => words[pickWord(random)]!).join(' ');
    const id = `syn-${i}`;
    items.push({
      id,
      title: `${brand} ${kind.title.replace(/\s*\(.*\)$/, '')} ${colour} ${random.int(100, 999)}`,
      categories: [...kind.categories],
      price: Math.round((kind.price ?? 20) * (0.5 + random.next()) * 100) / 100,
      available: random.next() > 0.05,
      url: `https://shop.example/p/${id}`,
      image: `https://shop.example/img/${id}.jpg`,
      attributes: { ...kind.attributes, colour, brand, description },
    });
  }
  return { items, brands, words };
}

/** A mix of queries as a search box sees them, deterministic for a seed. */
export function syntheticQueries(catalog: SyntheticCatalog, count: number, seed = 5): string[] {
  const random = seededRandom(seed);
  const fixed = ['green tea', '绿茶', 'espresso machine', 'espr', 'expresso', 'running shoes', '蓝牙音箱', 'sleeping bag black', 'yoga', 'zzqxj kettle'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random.next();
    if (roll < 0.4) out.push(random.pick(fixed));
    else if (roll < 0.6) out.push(random.pick(catalog.brands));
    else if (roll < 0.8) out.push(`${random.pick(catalog.words.slice(0, 2000))} ${random.pick(catalog.words.slice(0, 2000))}`);
    else out.push(random.pick(catalog.items).title.split(' ').slice(1, 3).join(' ').slice(0, -1));
  }
  return out;
}
