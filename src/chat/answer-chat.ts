/**
 * One turn of the customer-service chat: clean the message, pick the
 * language, answer small talk, resolve a reply to a clarifying question,
 * answer product-advice questions with recommendations, else search the FAQ
 * index (a follow-up is read against the last topic: the last question
 * and the message searched together, the entry already answered left out)
 * and decide (answer,
 * clarifying question, handoff; a fused search's decision with the index's
 * held-out handoff threshold as a floor). Storage-free: the caller passes the index
 * and the session's context, and stores what it returns.
 */
import { decide, type Thresholds } from './decide.ts';
import type { ChatReply } from './faq-schema.ts';
import type { FaqIndex } from './index/faq-index.ts';
import { searchFaq, type SearchResult } from './index/search.ts';
import { withHandoffFloor } from './precision.ts';
import { detectProductAdvice, type ProductAdvisor } from './intent.ts';
import type { ChatMiss } from './misses.ts';
import { clarifyingQuestion, handoffReply, reply, UNSUPPORTED_LANGUAGE_REPLY } from './replies.ts';
import { choiceByPosition, isFollowUp, type ChatContext } from './conversation/follow-up.ts';
import { detectSmallTalk, smallTalkReply } from './conversation/small-talk.ts';
import { DEFAULT_CHAT_SETTINGS, type ChatSettings } from './settings.ts';
import { detectLanguage, stripMarkup, type ChatLanguage } from '../text/normalize.ts';

/** What a chat turn needs. */
export interface ChatDeps {
  index: FaqIndex;
  advisor?: ProductAdvisor;
  /** Overrides the thresholds published with the index. */
  thresholds?: Thresholds;
  /** The session's context (last topic, pending choices). */
  context?: ChatContext;
  /** Overrides the settings published with the index. */
  settings?: ChatSettings;
  /** Searches the index (the default is lexical; an embedder fuses semantic scores in). */
  search?: (index: FaqIndex, message: string, lang: ChatLanguage) => Promise<SearchResult> | SearchResult;
}

/** A chat turn's input (already validated: non-empty, bounded length). */
export interface ChatTurn {
  message: string;
  session?: string;
  lang?: ChatLanguage;
}

/** The reply, the miss to log when the chat could not answer, and the session's next context. */
export interface ChatOutcome {
  reply: ChatReply;
  miss: ChatMiss | null;
  context: ChatContext;
}

const lexical = (index: FaqIndex, message: string, lang: ChatLanguage) => searchFaq(index, message, { lang, limit: 5 });

/**
 * Answers one message.
 *
 * @example const { reply } = await answerChat({ index }, { message: '运费多少？' });
 */
export async function answerChat(deps: ChatDeps, turn: ChatTurn): Promise<ChatOutcome> {
  const settings = deps.settings ?? deps.index.settings ?? DEFAULT_CHAT_SETTINGS;
  const thresholds = deps.thresholds ?? deps.index.thresholds;
  const context = deps.context ?? {};
  const search = deps.search ?? lexical;
  let text = stripMarkup(turn.message);
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
  const keep = { lastFaq: context.lastFaq };
  if (!/\p{L}/u.test(text)) {
    return {
      reply: { answer: reply('unreadable', lang), confidence: 0, suggestions: [], handoff: false, reason: 'unreadable', lang },
      miss: null,
      context: keep,
    };
  }
  if (!turn.lang && detected === null) {
    const out: ChatReply = { answer: UNSUPPORTED_LANGUAGE_REPLY, confidence: 0, suggestions: [], handoff: true, reason: 'unsupported_language' };
    return { reply: out, miss: miss('unsupported_language'), context: keep };
  }
  const small = detectSmallTalk(text, lang);
  if (small?.intent === 'person') {
    const answer = `${smallTalkReply('person', lang, settings.smallTalk)} ${handoffReply(lang, settings, false)}`.trim();
    return { reply: { answer, confidence: 1, suggestions: [], handoff: true, reason: 'person_requested', lang }, miss: null, context: keep };
  }
  if (small && !small.rest) {
    const out: ChatReply = {
      answer: smallTalkReply(small.intent, lang, settings.smallTalk),
      confidence: 1,
      suggestions: [],
      handoff: false,
      reason: 'small_talk',
      lang,
      intent: small.intent,
    };
    return { reply: out, miss: null, context: keep };
  }
  if (small) text = small.rest;

  const entryById = (id: string) => deps.index.entries.findIndex((e) => e.id === id);
  const answerEntry = (entry: number, confidence: number): ChatOutcome => {
    const best = deps.index.entries[entry]!;
    return {
      reply: { answer: best.answer, faq: best.id, confidence, suggestions: [], handoff: false, reason: 'answered', lang },
      miss: null,
      context: { lastFaq: best.id },
    };
  };
  const choices = (context.choices ?? []).map(entryById).filter((e) => e >= 0);
  if (choices.length) {
    const position = choiceByPosition(text, choices.length);
    if (position >= 0) return answerEntry(choices[position]!, 1);
  }

  const advice = detectProductAdvice(text);
  if (advice) {
    const products = deps.advisor ? await deps.advisor.recommend({ query: advice.query, lang, session: turn.session, limit: 3 }).catch(() => []) : [];
    const answer = reply(products.length ? 'products' : 'noProducts', lang);
    const out: ChatReply = { answer, confidence: 1, suggestions: [], handoff: products.length === 0, reason: 'product_advice', lang, products };
    return { reply: out, miss: null, context: keep };
  }

  const thresholdsOf = (r: SearchResult): Thresholds =>
    r.fused && deps.index.heldOutHandoff !== null
      ? { ...thresholds, ...withHandoffFloor(thresholds.answer, thresholds.handoff, deps.index.heldOutHandoff) }
      : thresholds;
  let result = await search(deps.index, text, lang);
  const limits = thresholdsOf(result);
  let decision = decide(result, limits);
  if (choices.length) {
    const picked = result.candidates.slice(0, 3).find((c) => choices.includes(c.entry));
    const plausible = picked === result.candidates[0] && decision.confidence >= Math.min(limits.handoff, limits.answer);
    if (picked && (plausible || text.split(/\s+/).length <= 4)) return answerEntry(picked.entry, Math.round(decision.confidence * 1000) / 1000);
  }
  const last = context.lastFaq ? entryById(context.lastFaq) : -1;
  if (decision.kind !== 'answer' && last >= 0 && isFollowUp(text)) {
    const combined = await search(deps.index, `${deps.index.entries[last]!.question} ${text}`, lang);
    const withTopic = { ...combined, candidates: combined.candidates.filter((c) => c.entry !== last) };
    const followUp = decide(withTopic, thresholdsOf(withTopic));
    if (followUp.confidence > decision.confidence) [result, decision] = [withTopic, followUp];
  }
  const confidence = Math.round(decision.confidence * 1000) / 1000;
  const entry = (c: { entry: number }) => deps.index.entries[c.entry]!;
  const suggestions = decision.suggestions.map((c) => ({ faq: entry(c).id, question: entry(c).question }));
  const bestFaq = decision.best ? entry(decision.best).id : null;
  if (decision.kind === 'answer' && decision.best) return answerEntry(decision.best.entry, confidence);
  if (decision.kind === 'clarify') {
    const answer = clarifyingQuestion(lang, decision.close ? suggestions.map((s) => s.question) : []);
    const out: ChatReply = { answer, confidence, suggestions, handoff: false, reason: 'close_call', lang };
    return { reply: out, miss: miss('close_call', confidence, bestFaq), context: { ...keep, choices: suggestions.map((s) => s.faq) } };
  }
  const out: ChatReply = { answer: handoffReply(lang, settings, true), confidence, suggestions, handoff: true, reason: 'low_confidence', lang };
  return { reply: out, miss: miss('low_confidence', confidence, bestFaq), context: { ...keep, choices: suggestions.map((s) => s.faq) } };
}
