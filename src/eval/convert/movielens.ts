import { eventCsvLine } from '../events-csv.ts';

/**
 * MovieLens `u.data` (`user\titem\trating\ttimestamp`, seconds) to evaluation CSV
 * lines: every rating is a `rating` event with the stars as value.
 *
 * @example
 * fromMovielens('196\t242\t3\t881250949\n'); // ['196,242,rating,3,881250949000']
 */
export function fromMovielens(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [user, item, rating, ts] = line.split('\t');
    if (!user || !item || !rating || !ts) continue;
    out.push(eventCsvLine(user, item, 'rating', Number(rating), Number(ts) * 1000));
  }
  return out;
}
