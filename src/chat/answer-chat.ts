/**
 * One turn of the customer-service chat: clean the message, pick the
 * language, answer product-advice questions with recommendations, else
 * search the FAQ index and decide (answer, suggestions, handoff).
 * Storage-free: the caller passes the index and logs the miss it returns.
 */
import { decide, DEFAULT_THRESHOLDS, type Thresholds } from './decide.ts';
import type { ChatReply } from './faq-schema.ts';
import type { FaqIndex } from './index/faq-index.ts';
import { searchFaq } from './index/search.ts';
import { detectProductAdvice, type ProductAdvisor } from './intent.ts';
import type { ChatMiss } from './misses.ts';
import { reply, UNSUPPORTED_LANGUAGE_REPLY } from './replies.ts';
import { detectLanguage, stripMarkup, type ChatLanguage } from '../text/normalize.ts';

/** What a chat turn needs. */
export interface ChatDeps {
  index: FaqIndex;
  advisor?: ProductAdvisor;
  thresholds?: Thresholds;
}

/** A chat turn's input (already validated: non-empty, bounded length). */
export interface ChatTurn {
  message: string;
  session?: string;
  lang?: ChatLanguage;
}

/** The reply, and the miss to log when the chat could not answer. */
export interface ChatOutcome {
  reply: ChatReply;
  miss: ChatMiss | null;
}

/**
 * Answers one message.
 *
 * @example const { reply } = await answerChat({ index }, { message: '运费多少？' });
 */
export async function answerChat(deps: ChatDeps, turn: ChatTurn): Promise<ChatOutcome> {
  const text = stripMarkup(turn.message);
  const detected = detectLanguage(text);
  const lang = turn.lang ?? detected ?? 'en';
  const miss = (reason: ChatReply['reason'], confidence = 0, bestFaq: string | null = null): ChatMiss => ({
    session: turn.session,
    message: text,
    lang: turn.lang ?? detected,
    confidence,
    bestFaq,
    reason,
  });
  if (!/\p{L}/u.test(text)) {
    return { reply: { answer: reply('unreadable', lang), confidence: 0, suggestions: [], handoff: false, reason: 'unreadable', lang }, miss: null };
  }
  if (!turn.lang && detected === null) {
    const out: ChatReply = { answer: UNSUPPORTED_LANGUAGE_REPLY, confidence: 0, suggestions: [], handoff: true, reason: 'unsupported_language' };
    return { reply: out, miss: miss('unsupported_language') };
  }
  const advice = detectProductAdvice(text);
  if (advice) {
    const products = deps.advisor ? await deps.advisor.recommend({ query: advice.query, lang, session: turn.session, limit: 3 }).catch(() => []) : [];
    const answer = reply(products.length ? 'products' : 'noProducts', lang);
    const out: ChatReply = { answer, confidence: 1, suggestions: [], handoff: products.length === 0, reason: 'product_advice', lang, products };
    return { reply: out, miss: null };
  }

  const result = searchFaq(deps.index, text, { lang, limit: 5 });
  const decision = decide(result, deps.thresholds ?? DEFAULT_THRESHOLDS);
  const confidence = Math.round(decision.confidence * 1000) / 1000;
  const entry = (c: { entry: number }) => deps.index.entries[c.entry]!;
  const suggestions = decision.suggestions.map((c) => ({ faq: entry(c).id, question: entry(c).question }));
  const bestFaq = decision.best ? entry(decision.best).id : null;
  if (decision.kind === 'answer' && decision.best) {
    const best = entry(decision.best);
    return { reply: { answer: best.answer, faq: best.id, confidence, suggestions: [], handoff: false, reason: 'answered', lang }, miss: null };
  }
  if (decision.kind === 'clarify') {
    const out: ChatReply = { answer: reply('closeCall', lang), confidence, suggestions, handoff: false, reason: 'close_call', lang };
    return { reply: out, miss: miss('close_call', confidence, bestFaq) };
  }
  const out: ChatReply = { answer: reply('handoff', lang), confidence, suggestions, handoff: true, reason: 'low_confidence', lang };
  return { reply: out, miss: miss('low_confidence', confidence, bestFaq) };
}
