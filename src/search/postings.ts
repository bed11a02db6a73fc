/**
 * The stored form of a postings list: documents ascending as varint gaps, each followed by its
 * impact as a varint, in base64 (table values are text). About 4-5 bytes a posting instead of
 * about 10 as JSON numbers, and a request decodes only the lists of its own terms, straight
 * into a typed array, never a whole shard.
 */

import { unpackEntry } from '../tables/layout.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/**
 * Encodes a flat `[doc, impact, doc, impact, ...]` list (documents ascending, impacts >= 0).
 *
 * @example decodePostings(encodePostings([3, 120, 7, 95])) // Int32Array [3, 120, 7, 95]
 */
export function encodePostings(flat: readonly number[]): string {
  const bytes: number[] = [];
  const varint = (n: number) => {
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    bytes.push(n);
  };
  let last = 0;
  for (let i = 0; i < flat.length; i += 2) {
    varint(flat[i]! - last);
    varint(flat[i + 1]!);
    last = flat[i]!;
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i]!, bytes[i + 1] ?? 0, bytes[i + 2] ?? 0];
    const n = (a << 16) | (b << 8) | c;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '') + (i + 2 < bytes.length ? B64[n & 63]! : '');
  }
  return out;
}

/** Decodes {@link encodePostings} (unpadded base64) into a flat `[doc, impact, ...]` typed array. */
export function decodePostings(text: string): Int32Array {
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let b = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (B64_VALUE[text.charCodeAt(i)]! << 18) |
      (B64_VALUE[text.charCodeAt(i + 1)]! << 12) |
      ((i + 2 < text.length ? B64_VALUE[text.charCodeAt(i + 2)]! : 0) << 6) |
      (i + 3 < text.length ? B64_VALUE[text.charCodeAt(i + 3)]! : 0);
    bytes[b++] = n >> 16;
    if (i + 2 < text.length) bytes[b++] = (n >> 8) & 255;
    if (i + 3 < text.length) bytes[b++] = n & 255;
  }
  const values: number[] = [];
  let n = 0;
  let shift = 0;
  for (let i = 0; i < b; i++) {
    const byte = bytes[i]!;
    n |= (byte & 0x7f) << shift;
    if (byte & 0x80) shift += 7;
    else {
      values.push(n);
      n = 0;
      shift = 0;
    }
  }
  const out = new Int32Array(values.length);
  let doc = 0;
  for (let i = 0; i < values.length; i += 2) {
    out[i] = doc += values[i]!;
    out[i + 1] = values[i + 1]!;
  }
  return out;
}

/**
 * The key of a term's line in a postings shard: the term URI-encoded, so that a shard's value is
 * ASCII and an isolate keeps it as a one-byte string (a Chinese term made the whole shard a
 * two-byte string: twice the memory).
 */
export function postingLineKey(term: string): string {
  return encodeURIComponent(term);
}

/** A term's stored list in a postings shard; `asciiLines` from the head (absent: built before, lines keyed by the term itself). */
export function postingLine(shard: string, term: string, asciiLines: boolean | undefined): string | undefined {
  return unpackEntry<string>(shard, asciiLines ? postingLineKey(term) : term);
}
