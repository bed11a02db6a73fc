/**
 * A light English stemmer: folds the inflections customers actually vary
 * (plural, -ing, -ed, -ation, -ment, -ly) onto one stem. Deliberately
 * aggressive and unlinguistic; all that matters is that "cancel",
 * "canceling", "cancelled" and "cancellation" land on the same key.
 */

const SUFFIXES = [
  'rations', 'ration', 'ations', 'ation', 'ments', 'ment',
  'ings', 'ing', 'ied', 'ies', 'ed', 'es', 'ly', 's', 'y', 'e',
] as const;
const REPLACEMENT: Record<string, string> = { ied: 'y', ies: 'y', rations: 'er', ration: 'er' };
/** Endings that look plural but are not (status, address, this). */
const NOT_PLURAL = /(ss|us|is)$/;
const MIN_STEM = 3;
const VOWEL = /[aeiouy]/;

/**
 * Stems one lower-case English word. Words shorter than four letters, and
 * anything with digits, pass unchanged.
 *
 * @example stemWord('cancellation') // 'cancel'
 * @example stemWord('deliveries')   // 'deliver'
 */
export function stemWord(word: string): string {
  if (word.length < 4 || /\d/.test(word)) return word;
  let stem = word.endsWith("'s") ? word.slice(0, -2) : word;
  for (const suffix of SUFFIXES) {
    if (!stem.endsWith(suffix)) continue;
    if (suffix === 's' && NOT_PLURAL.test(stem)) break;
    const base = stem.slice(0, -suffix.length) + (REPLACEMENT[suffix] ?? '');
    if (base.length >= MIN_STEM && VOWEL.test(base)) {
      stem = base;
      break;
    }
  }
  if (stem.length > MIN_STEM && stem.endsWith('y')) stem = stem.slice(0, -1);
  if (stem.length > MIN_STEM && stem.at(-1) === stem.at(-2) && !/[aeiouls]/.test(stem.at(-1)!)) {
    stem = stem.slice(0, -1);
  }
  if (stem.length > MIN_STEM + 1 && stem.endsWith('ll')) stem = stem.slice(0, -1);
  return stem;
}
