/**
 * Built-in small talk in English and Chinese: greeting, thanks, goodbye,
 * "are you a bot" and asking for a person. A message is small talk only
 * when little is left once the phrase is removed ("hi, how long does
 * delivery take?" still goes to the FAQ, with the greeting removed); asking
 * for a person always counts.
 */
import type { ChatLanguage } from '../../text/normalize.ts';

/** The small-talk intents. */
export const SMALL_TALK = ['greeting', 'thanks', 'goodbye', 'bot', 'person'] as const;
export type SmallTalk = (typeof SMALL_TALK)[number];

/** Replies per intent and language; a shop overrides any of them in its chat settings. */
export type SmallTalkReplies = Partial<Record<SmallTalk, Partial<Record<ChatLanguage, string>>>>;

/** The replies a shop starts with. */
export const DEFAULT_SMALL_TALK: Record<SmallTalk, Record<ChatLanguage, string>> = {
  greeting: { en: 'Hello! How can I help you today?', zh: '您好！请问有什么可以帮您？' },
  thanks: { en: "You're welcome! Anything else I can help with?", zh: '不客气！还有其他可以帮您的吗？' },
  goodbye: { en: 'Goodbye, and thank you for visiting!', zh: '再见，感谢您的光临！' },
  bot: {
    en: "I'm the shop's automatic assistant. I answer common questions, and I can pass you to a person at any time.",
    zh: '我是店铺的智能客服，可以回答常见问题，也可以随时为您转接人工客服。',
  },
  person: { en: "I'm passing you to a member of our team.", zh: '正在为您转接人工客服。' },
};

const PATTERNS: [SmallTalk, RegExp][] = [
  [
    'person',
    /\b(?:(?:talk|speak|chat)\s+(?:to|with)\s+(?:a\s+|an\s+|some\s*one\s*|real\s+)*(?:human|person|agent|someone|somebody|representative|operator)|(?:human|live|real)\s+(?:agent|person|support)|(?:get|want|need)\s+(?:a\s+)?(?:human|person|agent|representative))\b|转人工|人工客服|找人工|要人工|真人客服|人工服务|^人工$/iu,
  ],
  [
    'bot',
    /\bare\s+you\s+(?:a\s+|an\s+)?(?:bot|robot|machine|human|real(?:\s+person)?|ai|computer)\b|你是(?:不是)?(?:机器人|真人|人工|ai|AI)|是机器人吗|是真人吗/iu,
  ],
  ['thanks', /\b(?:thanks|thank\s+you|thx|ty|cheers|much\s+appreciated)\b|谢谢|多谢|感谢|谢啦/iu],
  ['goodbye', /\b(?:bye|goodbye|good\s+bye|see\s+you|see\s+ya|that'?s\s+all)\b|再见|拜拜|没有了|没事了/iu],
  ['greeting', /\b(?:hello|hi|hey|hiya|good\s+(?:morning|afternoon|evening)|greetings)\b|你好|您好|在吗|在不在|嗨|哈喽|早上好|晚上好/iu],
];

/** What is left of a message once the small-talk phrase is removed counts as a question from this many letters on. */
const QUESTION_LETTERS = { en: 8, zh: 3 };

/** A small-talk message: its intent and what is left of it (a question after "hi, ..."). */
export interface SmallTalkMatch {
  intent: SmallTalk;
  /** The rest of the message when it still holds a question, else ''. */
  rest: string;
}

/**
 * Detects small talk.
 *
 * @example detectSmallTalk('你好', 'zh') // { intent: 'greeting', rest: '' }
 * @example detectSmallTalk('hi, how long does delivery take?', 'en') // { intent: 'greeting', rest: 'how long does delivery take?' }
 */
export function detectSmallTalk(message: string, lang: ChatLanguage): SmallTalkMatch | null {
  for (const [intent, pattern] of PATTERNS) {
    if (!pattern.test(message)) continue;
    const rest = message
      .replace(new RegExp(pattern.source, 'giu'), ' ')
      .replace(/^[\s,.!?;:，。！？、~]+|[\s,.!?;:，。！？、~]+$/gu, '')
      .trim();
    const letters = (rest.match(/\p{L}/gu) ?? []).length;
    if (intent === 'person') return { intent, rest: '' };
    if (letters >= QUESTION_LETTERS[lang]) return { intent, rest };
    return { intent, rest: '' };
  }
  return null;
}

/** The reply to a small-talk intent: the shop's text when it set one, else the default. */
export function smallTalkReply(intent: SmallTalk, lang: ChatLanguage, replies?: SmallTalkReplies): string {
  return replies?.[intent]?.[lang] || DEFAULT_SMALL_TALK[intent][lang];
}
