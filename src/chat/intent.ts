/**
 * Detects messages that ask for product advice ("推荐一款耳机", "recommend me
 * a gift", "something like the blue mug") rather than an FAQ answer; those
 * are answered with recommendations from an injected {@link ProductAdvisor}.
 */
import type { ChatLanguage } from '../text/normalize.ts';
import type { ChatProduct } from './faq-schema.ts';

/** What the chat asks of the recommendation engine (wired by the HTTP layer). */
export interface ProductAdvisor {
  recommend(request: { query: string; lang: ChatLanguage; session?: string; limit: number }): Promise<ChatProduct[]>;
}

const ENGLISH = [
  /\brecommend(?:ation)?s?\b(?:\s+(?:me|us))?\s*(?:a|an|some|any)?\s*(.*)$/i,
  /\b(?:something|anything|items?|products?)\s+(?:like|similar to)\s+(.+)$/i,
  /\bsimilar\s+(?:items?|products?)\s+to\s+(.+)$/i,
  /\bwhat\s+should\s+i\s+buy\b\s*(.*)$/i,
  /\b(?:suggest|advise)\s+(?:me\s+)?(?:a|an|some)\s+(.+)$/i,
  /\blooking\s+for\s+(?:a\s+)?(?:gift|present)\b\s*(.*)$/i,
  /\bdo\s+you\s+(?:sell|carry|stock)\s+(?:any\s+)?(.+)$/i,
];
const CHINESE = [
  /推荐(?:一下|一款|一个|几款|点|些)?(.*)$/,
  /(?:类似|相似|差不多)(?:于)?(.+?)(?:的|那样的)?(?:商品|东西|产品)?[吗？?]*$/,
  /有什么(.+?)(?:好|值得买)/,
  /买什么(.*)$/,
  /有没有(?:卖)?(.+?)[吗呢？?]*$/,
  /送.{0,6}礼物/,
];
/** Questions about a shop's service that only look like advice ("recommend a shipping option?"). */
const SERVICE_WORDS =
  /\b(ship|shipping|delivery|refund|return|payment|invoice|account|password|coupon)\b|运费|快递|物流|退款|退货|发票|支付|付款|账号|密码|优惠券/i;

/** A product-advice question, with what the shopper is after ("gift for my dad"). */
export interface ProductAdviceIntent {
  query: string;
}

/**
 * Returns the product-advice intent of a message, or null for any other
 * question.
 *
 * @example detectProductAdvice('能推荐一款降噪耳机吗') // { query: '降噪耳机' }
 */
export function detectProductAdvice(message: string): ProductAdviceIntent | null {
  if (SERVICE_WORDS.test(message)) return null;
  for (const pattern of [...ENGLISH, ...CHINESE]) {
    const match = message.match(pattern);
    if (match) return { query: clean(match[1] ?? '') || message };
  }
  return null;
}

function clean(text: string): string {
  return text
    .replace(/[?？!！。.,，吗呢吧]+$/u, '')
    .replace(/^(?:me|us|for|给我|一下)\s*/iu, '')
    .trim();
}
