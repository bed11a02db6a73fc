/**
 * Text clean-up shared by indexing and querying: the same function must run on
 * both sides, or the index and the query disagree about what a word is.
 */

/** Languages the chat understands. */
export type ChatLanguage = 'zh' | 'en';

const TAG = /<\/?[a-z!][^>]*>/gi;
const SCRIPT_BLOCK = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const ENTITY = /&(amp|lt|gt|quot|#39|nbsp);/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/**
 * Removes markup (tags, script and style blocks) and decodes the few common
 * entities, so `<b>refund</b>` is matched as `refund` and nothing executable
 * survives into logs.
 *
 * @example stripMarkup('<script>x()</script>Where is <b>my order</b>?') // 'Where is my order?'
 */
export function stripMarkup(text: string): string {
  return text
    .replace(SCRIPT_BLOCK, ' ')
    .replace(TAG, ' ')
    .replace(ENTITY, (_, name: string) => ENTITIES[name] ?? ' ')
    .replace(/[<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Unicode-compatibility folding (full-width to ASCII) and lower case. */
export function foldCase(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const HAN = /\p{Script=Han}/u;
const HAN_GLOBAL = /\p{Script=Han}/gu;
const LATIN_GLOBAL = /\p{Script=Latin}/gu;
const LETTER_GLOBAL = /\p{L}/gu;

/** True when the string contains at least one Chinese character. */
export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/**
 * Guesses the language of a message from its script: Chinese when Han
 * characters are a fair share of the letters, English when Latin letters
 * dominate, `null` for anything else (Cyrillic, Arabic, digits only...).
 */
export function detectLanguage(text: string): ChatLanguage | null {
  const letters = text.match(LETTER_GLOBAL)?.length ?? 0;
  if (letters === 0) return null;
  const han = text.match(HAN_GLOBAL)?.length ?? 0;
  if (han > 0 && han * 3 >= letters) return 'zh';
  const latin = text.match(LATIN_GLOBAL)?.length ?? 0;
  if (latin * 2 >= letters) return 'en';
  return han > 0 ? 'zh' : null;
}
