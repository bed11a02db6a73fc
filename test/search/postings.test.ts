import { describe, expect, it } from 'vitest';
import { decodePostings, encodePostings } from '../../src/search/postings.ts';

describe('stored postings', () => {
  it('round-trip documents and impacts of any size, compactly', () => {
    const cases = [[], [0, 1], [3, 120, 7, 95], [5, 300, 70_000, 1, 99_999, 65_535, 2_000_000, 5]];
    for (const flat of cases) expect([...decodePostings(encodePostings(flat))]).toEqual(flat);
    const long = Array.from({ length: 20_000 }, (_, i) => [i * 5, (i * 37) % 900]).flat();
    const text = encodePostings(long);
    expect([...decodePostings(text)]).toEqual(long);
    expect(text.length).toBeLessThan(JSON.stringify(long).length / 2);
    expect(text).toMatch(/^[A-Za-z0-9+/]*$/);
  });
});
