/** The chat's own sentences, per language (FAQ answers come from the shop). */
import type { ChatLanguage } from '../text/normalize.ts';
import type { ChatSettings } from './settings.ts';

const TEXT = {
  handoff: {
    en: "I'm not sure I understood. I'm passing your question to a member of our team, who will get back to you shortly.",
    zh: '抱歉，我没能理解您的问题。已为您转接人工客服，请稍候。',
  },
  handoffShort: {
    en: 'A member of our team will get back to you shortly.',
    zh: '人工客服会尽快回复您。',
  },
  closeCall: {
    en: 'Did you mean one of these?',
    zh: '您想问的是以下哪个问题？',
  },
  unreadable: {
    en: 'Sorry, I could not read a question in that message. Could you rephrase it?',
    zh: '抱歉，没有看懂您的消息，可以换个说法吗？',
  },
  products: {
    en: 'Here are a few products you might like.',
    zh: '为您推荐以下商品：',
  },
  noProducts: {
    en: 'I could not find products to suggest right now; a member of our team will help you choose.',
    zh: '暂时没有找到合适的商品，人工客服稍后会为您推荐。',
  },
} as const;

/** A sentence of the chat in one language. */
export function reply(kind: keyof typeof TEXT, lang: ChatLanguage): string {
  return TEXT[kind][lang];
}

/** The clarifying question: "Do you mean A or B?" between two close entries, else "Did you mean one of these?". */
export function clarifyingQuestion(lang: ChatLanguage, two: readonly string[]): string {
  if (two.length !== 2) return TEXT.closeCall[lang];
  const strip = (q: string) => q.replace(/[?？。.!！\s]+$/u, '');
  return lang === 'zh' ? `您是想问「${strip(two[0]!)}」还是「${strip(two[1]!)}」？` : `Do you mean "${strip(two[0]!)}" or "${strip(two[1]!)}"?`;
}

/** The handoff reply with the shop's note (opening hours, expected wait); `missed` when the chat did not understand. */
export function handoffReply(lang: ChatLanguage, settings: ChatSettings, missed: boolean): string {
  const note = settings.handoffNote[lang];
  const base = missed ? TEXT.handoff[lang] : note ? '' : TEXT.handoffShort[lang];
  return [base, note].filter(Boolean).join(' ');
}

/** The reply to a message in a language the chat does not speak: both languages. */
export const UNSUPPORTED_LANGUAGE_REPLY =
  'Sorry, I can answer in English or Chinese only; a member of our team will get back to you. 抱歉，目前仅支持中文和英文，人工客服稍后会联系您。';
