/**
 * Per-session context: a follow-up ("and for international orders?",
 * "what about gift cards?", "那国际订单呢？") is read against the last topic,
 * and a message after a clarifying question is resolved against the choices
 * offered ("the second one", "第一个", "returning it").
 */

/** What the chat remembers of a session between turns. */
export interface ChatContext {
  /** The entry answered last. */
  lastFaq?: string;
  /** The entries offered by the last clarifying question. */
  choices?: string[];
}

const FOLLOW_UP = /^(?:and|also|what\s+about|how\s+about|and\s+what\s+about|same\s+for|and\s+for|but\s+for|what\s+if)\b|^(?:那|那么|还有|如果是?)|呢[?？]?$/iu;

/** True when a message reads as a follow-up of the previous question rather than a question of its own. */
export function isFollowUp(message: string): boolean {
  return FOLLOW_UP.test(message.trim());
}

const ORDINALS: [RegExp, number][] = [
  [/^(?:1|one|the\s+first(?:\s+one)?|first(?:\s+one)?|第一个?|第一|1号)\b|^第一/iu, 0],
  [/^(?:2|two|the\s+second(?:\s+one)?|second(?:\s+one)?|第二个?|2号)\b|^第二/iu, 1],
  [/^(?:3|three|the\s+third(?:\s+one)?|third(?:\s+one)?|第三个?|3号)\b|^第三/iu, 2],
  [/^(?:the\s+last(?:\s+one)?|last(?:\s+one)?|最后一个)\b|^最后一个/iu, -1],
];

/**
 * The choice a reply names by position ("the second one", "2", "第一个"), or -1.
 *
 * @example choiceByPosition('the second one', 2) // 1
 */
export function choiceByPosition(message: string, choices: number): number {
  const text = message.trim().replace(/[.!?。！？]+$/u, '');
  for (const [pattern, position] of ORDINALS) {
    if (!pattern.test(text)) continue;
    const index = position < 0 ? choices - 1 : position;
    return index < choices ? index : -1;
  }
  return -1;
}
