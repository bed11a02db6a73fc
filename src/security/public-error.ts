/** Longest error text the engine stores or returns. */
export const MAX_ERROR_CHARS = 300;

const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;
const HOST_PORT = /\b(?:(?:\d{1,3}\.){3}\d{1,3}|localhost|\[[0-9a-f:]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d{2,5})\b/gi;
const IP = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const SECRET = /\b(bearer|token|password|passwd|secret|key|authorization)(\s*[=:]\s*|\s+)("[^"]*"|\S+)/gi;

/**
 * An error as text that is safe to store or show: connection strings, URLs, host:port pairs
 * and secrets replaced, and at most `max` characters (a Redis client may append a whole
 * pipeline, over a megabyte, to its message).
 *
 * @example publicError(new Error('connect ECONNREFUSED 10.0.0.5:6379')) // 'connect ECONNREFUSED <host>'
 */
export function publicError(err: unknown, max = MAX_ERROR_CHARS): string {
  const raw = err instanceof Error ? err.message : String(err);
  const text = raw
    .slice(0, max * 4)
    .replace(URL_LIKE, '<url>')
    .replace(HOST_PORT, '<host>')
    .replace(IP, '<host>')
    .replace(SECRET, '$1$2<redacted>')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max || raw.length > max * 4 ? `${text.slice(0, max - 1)}…` : text;
}
