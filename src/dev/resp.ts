import { Buffer } from 'node:buffer';

/** An error reply (`-ERR ...`) from Redis. */
export class RedisError extends Error {
  override name = 'RedisError';
}

/**
 * One decoded RESP2 reply: a simple string is a `string`, a bulk string a
 * `Buffer` (binary safe), an integer a `number`, a nil bulk or array `null`.
 */
export type RespReply = string | Buffer | number | null | RedisError | RespReply[];

/** One command argument; strings are sent as UTF-8. */
export type RespArg = string | Buffer;

/** Encodes commands as RESP2 arrays of bulk strings, ready for one socket write. */
export function encodeCommands(commands: readonly (readonly RespArg[])[]): Buffer {
  const parts: Buffer[] = [];
  for (const command of commands) {
    parts.push(Buffer.from(`*${command.length}\r\n`));
    for (const arg of command) {
      const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
      parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
    }
  }
  return Buffer.concat(parts);
}

const CRLF = Buffer.from('\r\n');
const INCOMPLETE: unique symbol = Symbol('incomplete');

/**
 * Streaming RESP2 reply parser: `push` any chunking of the byte stream and get
 * back the replies completed so far, in order. While a reply is incomplete it
 * only re-parses once enough bytes have arrived, so large bulk strings cost
 * linear time.
 */
export class RespParser {
  #chunks: Buffer[] = [];
  #length = 0;
  #need = 1;
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0;
  #needAt = 0;

  push(chunk: Buffer): RespReply[] {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    const replies: RespReply[] = [];
    if (this.#length < this.#need) return replies;
    this.#buf = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks, this.#length);
    this.#pos = 0;
    for (;;) {
      const start = this.#pos;
      const reply = this.#read();
      if (reply === INCOMPLETE) {
        this.#pos = start;
        this.#need = this.#needAt - start;
        break;
      }
      replies.push(reply);
    }
    const rest = this.#buf.subarray(this.#pos);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#length = rest.length;
    this.#buf = Buffer.alloc(0);
    return replies;
  }

  #read(): RespReply | typeof INCOMPLETE {
    const buf = this.#buf;
    const start = this.#pos;
    const eol = buf.indexOf(CRLF, start);
    if (eol < 0) {
      this.#needAt = buf.length + 1;
      return INCOMPLETE;
    }
    const line = buf.toString('utf8', start + 1, eol);
    this.#pos = eol + 2;
    switch (buf[start]) {
      case 0x2b: // +
        return line;
      case 0x2d: // -
        return new RedisError(line);
      case 0x3a: // :
        return Number(line);
      case 0x24: {
        // $
        const length = Number(line);
        if (length < 0) return null;
        const end = this.#pos + length;
        if (buf.length < end + 2) {
          this.#needAt = end + 2;
          return INCOMPLETE;
        }
        const value = Buffer.from(buf.subarray(this.#pos, end));
        this.#pos = end + 2;
        return value;
      }
      case 0x2a: {
        // *
        const count = Number(line);
        if (count < 0) return null;
        const items: RespReply[] = [];
        for (let i = 0; i < count; i++) {
          const item = this.#read();
          if (item === INCOMPLETE) return item;
          items.push(item);
        }
        return items;
      }
      default:
        throw new Error(`RESP protocol error: unexpected type byte ${JSON.stringify(buf.toString('latin1', start, start + 1))}`);
    }
  }
}
