/**
 * English stemming: the Porter (1980) algorithm, steps 1 to 5, so that
 * "cancel", "canceling", "cancelled", "cancellation" share a key, and so do
 * "delete"/"deletion", "remove"/"removal", "terminate"/"termination". It
 * replaced an ad-hoc suffix stripper after measuring both on the development
 * splits (src/chat/README.md).
 */

const CONSONANT = '[^aeiou]';
const VOWEL = '[aeiouy]';
const CONSONANTS = `${CONSONANT}[^aeiouy]*`;
const VOWELS = `${VOWEL}[aeiou]*`;
/** measure > 0, measure = 1, measure > 1, contains a vowel. */
const M_GT0 = new RegExp(`^(${CONSONANTS})?${VOWELS}${CONSONANTS}`);
const M_EQ1 = new RegExp(`^(${CONSONANTS})?${VOWELS}${CONSONANTS}(${VOWELS})?$`);
const M_GT1 = new RegExp(`^(${CONSONANTS})?${VOWELS}${CONSONANTS}${VOWELS}${CONSONANTS}`);
const HAS_VOWEL = new RegExp(`^(${CONSONANTS})?${VOWEL}`);
/** Ends consonant-vowel-consonant, the last not w, x or y ("hop", not "hoop"). */
const CVC = new RegExp(`^${CONSONANTS}${VOWEL}[^aeiouwxy]$`);

const STEP2: Record<string, string> = {
  ational: 'ate',
  tional: 'tion',
  enci: 'ence',
  anci: 'ance',
  izer: 'ize',
  bli: 'ble',
  alli: 'al',
  entli: 'ent',
  eli: 'e',
  ousli: 'ous',
  ization: 'ize',
  ation: 'ate',
  ator: 'ate',
  alism: 'al',
  iveness: 'ive',
  fulness: 'ful',
  ousness: 'ous',
  aliti: 'al',
  iviti: 'ive',
  biliti: 'ble',
  logi: 'log',
};
const STEP2_RE = /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
const STEP3: Record<string, string> = { icate: 'ic', ative: '', alize: 'al', iciti: 'ic', ical: 'ic', ful: '', ness: '' };
const STEP3_RE = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
const STEP4_RE = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
const STEP4_ION = /^(.+?)(s|t)(ion)$/;

/**
 * Stems one lower-case English word. Words shorter than three letters, and
 * anything with digits, pass unchanged.
 *
 * @example stemWord('cancellation') // 'cancel'
 * @example stemWord('deletion')     // 'delet' (as 'delete')
 */
export function stemWord(word: string): string {
  if (word.length < 3 || /\d/.test(word)) return word;
  const leadingY = word[0] === 'y';
  let w = leadingY ? `Y${word.slice(1)}` : word;
  let m: RegExpExecArray | null;

  // Step 1a: plurals.
  if (/^(.+?)(ss|i)es$/.test(w)) w = w.replace(/^(.+?)(ss|i)es$/, '$1$2');
  else if (/^(.+?)([^s])s$/.test(w)) w = w.replace(/^(.+?)([^s])s$/, '$1$2');
  // Step 1b: -eed, -ed, -ing.
  if ((m = /^(.+?)eed$/.exec(w))) {
    if (M_GT0.test(m[1]!)) w = w.slice(0, -1);
  } else if ((m = /^(.+?)(ed|ing)$/.exec(w)) && HAS_VOWEL.test(m[1]!)) {
    w = m[1]!;
    if (/(at|bl|iz)$/.test(w)) w += 'e';
    else if (/([^aeiouylsz])\1$/.test(w)) w = w.slice(0, -1);
    else if (CVC.test(w)) w += 'e';
  }
  // Step 1c: y -> i after a vowel-bearing stem.
  if ((m = /^(.+?)y$/.exec(w)) && HAS_VOWEL.test(m[1]!)) w = `${m[1]!}i`;
  // Steps 2 and 3: derivational suffixes to their base.
  if ((m = STEP2_RE.exec(w)) && M_GT0.test(m[1]!)) w = m[1]! + STEP2[m[2]!]!;
  if ((m = STEP3_RE.exec(w)) && M_GT0.test(m[1]!)) w = m[1]! + STEP3[m[2]!]!;
  // Step 4: drop the remaining suffix on long stems.
  if ((m = STEP4_RE.exec(w))) {
    if (M_GT1.test(m[1]!)) w = m[1]!;
  } else if ((m = STEP4_ION.exec(w)) && M_GT1.test(m[1]! + m[2]!)) {
    w = m[1]! + m[2]!;
  }
  // Step 5: final -e and -ll.
  if ((m = /^(.+?)e$/.exec(w))) {
    const stem = m[1]!;
    if (M_GT1.test(stem) || (M_EQ1.test(stem) && !CVC.test(stem))) w = stem;
  }
  if (/ll$/.test(w) && M_GT1.test(w)) w = w.slice(0, -1);
  return leadingY ? `y${w.slice(1)}` : w;
}
