import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { encodeCommands, RedisError, RespParser, type RespReply } from '../../src/dev/resp.ts';

const wire = Buffer.from('+OK\r\n-ERR bad\r\n:42\r\n:-7\r\n$-1\r\n*-1\r\n$0\r\n\r\n$4\r\na\r\nb\r\n*3\r\n$1\r\nx\r\n*2\r\n:1\r\n$-1\r\n+QUEUED\r\n*0\r\n');
const expected: RespReply[] = [
  'OK',
  new RedisError('ERR bad'),
  42,
  -7,
  null,
  null,
  Buffer.from(''),
  Buffer.from('a\r\nb'),
  [Buffer.from('x'), [1, null], 'QUEUED'],
  [],
];

describe('RESP2 codec', () => {
  it('encodes commands as arrays of bulk strings, counting bytes', () => {
    expect(encodeCommands([['SET', 'k', '茶'], ['PING']]).toString()).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n茶\r\n*1\r\n$4\r\nPING\r\n');
  });

  it('parses every reply type from one chunk', () => {
    expect(new RespParser().push(wire)).toEqual(expected);
  });

  it('parses the same replies fed one byte at a time', () => {
    const parser = new RespParser();
    const replies: RespReply[] = [];
    for (let i = 0; i < wire.length; i++) replies.push(...parser.push(wire.subarray(i, i + 1)));
    expect(replies).toEqual(expected);
  });

  it('keeps binary bulk strings byte-exact across chunk boundaries', () => {
    const payload = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    const bytes = Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, Buffer.from('\r\n:1\r\n')]);
    const parser = new RespParser();
    const replies: RespReply[] = [];
    for (let i = 0; i < bytes.length; i += 4096) replies.push(...parser.push(bytes.subarray(i, i + 4096)));
    expect(replies).toHaveLength(2);
    expect(Buffer.compare(replies[0] as Buffer, payload)).toBe(0);
    expect(replies[1]).toBe(1);
  });

  it('throws on a protocol error', () => {
    expect(() => new RespParser().push(Buffer.from('?what\r\n'))).toThrow(/RESP protocol error/);
  });
});
