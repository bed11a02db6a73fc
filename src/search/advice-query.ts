/**
 * A product question turned into a search: the price bounds it states ("under 200",
 * "200元以下", "between 20 and 50") become filters, and the words around what is wanted
 * ("something like the", "一款") are dropped.
 */

/** What to search for, and the price bounds asked for. */
export interface AdviceQuery {
  q: string;
  priceMin?: number;
  priceMax?: number;
}

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const CURRENCY = String.raw`(?:\s*(?:元|块钱|块|rmb|yuan|usd|eur|dollars?|euros?|pounds?))?`;
const SIGN = String.raw`[$€£¥]?\s*`;
const PATTERNS: { re: RegExp; set: (m: RegExpMatchArray) => Partial<AdviceQuery> }[] = [
  {
    re: new RegExp(String.raw`\bbetween\s+${SIGN}${NUMBER}${CURRENCY}\s+and\s+${SIGN}${NUMBER}${CURRENCY}`, 'i'),
    set: (m) => ({ priceMin: +m[1]!, priceMax: +m[2]! }),
  },
  {
    re: new RegExp(String.raw`\b(?:under|below|less than|cheaper than|at most|max(?:imum)?|up to)\s+${SIGN}${NUMBER}${CURRENCY}`, 'i'),
    set: (m) => ({ priceMax: +m[1]! }),
  },
  { re: new RegExp(String.raw`\b(?:over|above|more than|at least)\s+${SIGN}${NUMBER}${CURRENCY}`, 'i'), set: (m) => ({ priceMin: +m[1]! }) },
  { re: new RegExp(String.raw`${NUMBER}\s*(?:到|-|至)\s*${NUMBER}${CURRENCY}(?:之间|左右)?`), set: (m) => ({ priceMin: +m[1]!, priceMax: +m[2]! }) },
  { re: new RegExp(String.raw`(?:低于|不超过|不到|少于|便宜于)\s*${SIGN}${NUMBER}${CURRENCY}(?:以内|以下)?`), set: (m) => ({ priceMax: +m[1]! }) },
  { re: new RegExp(String.raw`${SIGN}${NUMBER}${CURRENCY}\s*(?:以内|以下|之内)`), set: (m) => ({ priceMax: +m[1]! }) },
  { re: new RegExp(String.raw`(?:高于|超过)\s*${SIGN}${NUMBER}${CURRENCY}|${SIGN}${NUMBER}${CURRENCY}\s*以上`), set: (m) => ({ priceMin: +(m[1] ?? m[2])! }) },
];
const FILLER =
  /^的|^(?:(?:something|anything|items?|products?)\s+(?:like|similar to)\s+|(?:the|a|an|some|any)\s+)+|^(?:一款|一个|一些|几款|一下|点|些)+|(?:的?(?:商品|东西|产品))$/giu;

/**
 * Splits a product question into search text and price bounds.
 *
 * @example adviceQuery('the espresso machine under 200') // { q: 'espresso machine', priceMax: 200 }
 * @example adviceQuery('一款绿茶100元以内')               // { q: '绿茶', priceMax: 100 }
 */
export function adviceQuery(text: string): AdviceQuery {
  let q = text;
  const out: AdviceQuery = { q: '' };
  for (const { re, set } of PATTERNS) {
    const m = q.match(re);
    if (!m) continue;
    Object.assign(out, set(m));
    q = q.replace(m[0], ' ');
  }
  out.q = q
    .replace(/[?？!！。.,，、]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(FILLER, '')
    .trim();
  return out;
}
