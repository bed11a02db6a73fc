import { and, asc, eq, gt, max } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { segmentChanges, segmentMembers } from '../db/schema.ts';

/** One line of a full export: a member (with its ranking score for product audiences). */
export interface MemberLine {
  user: string;
  joinedAt: number;
  score?: number;
}

/** One line of a `since=` export: a join or a leave, in the order they happened. */
export interface ChangeLine {
  user: string;
  change: 'join' | 'leave';
  at: number;
}

/** A page of an export. */
export interface ExportPage<T> {
  lines: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Pass as `since` in a later export to get only the joins and leaves after this one. */
  since: number;
}

async function changeMark(db: Database): Promise<number> {
  return (
    (
      await db
        .select({ seq: max(segmentChanges.seq) })
        .from(segmentChanges)
        .get()
    )?.seq ?? 0
  );
}

/** A page of a segment's members in user order (keyset on the user id: no OFFSET). */
export async function exportMembers(db: Database, segment: string, cursor: string | undefined, limit: number): Promise<ExportPage<MemberLine>> {
  const [since, rows] = await Promise.all([
    changeMark(db),
    db
      .select({ user: segmentMembers.userId, joinedAt: segmentMembers.joinedAt, score: segmentMembers.score })
      .from(segmentMembers)
      .where(and(eq(segmentMembers.segmentId, segment), cursor ? gt(segmentMembers.userId, cursor) : undefined))
      .orderBy(asc(segmentMembers.userId))
      .limit(limit),
  ]);
  const lines = rows.map((r) => (r.score === null ? { user: r.user, joinedAt: r.joinedAt } : { user: r.user, joinedAt: r.joinedAt, score: r.score }));
  return { lines, nextCursor: rows.length === limit ? rows[rows.length - 1]!.user : null, since };
}

/** A page of a segment's joins and leaves after change mark `since`, oldest first. */
export async function exportChanges(db: Database, segment: string, since: number, cursor: string | undefined, limit: number): Promise<ExportPage<ChangeLine>> {
  const after = Math.max(since, Number(cursor ?? 0) || 0);
  const [mark, rows] = await Promise.all([
    changeMark(db),
    db
      .select({ seq: segmentChanges.seq, user: segmentChanges.userId, change: segmentChanges.change, at: segmentChanges.at })
      .from(segmentChanges)
      .where(and(eq(segmentChanges.segmentId, segment), gt(segmentChanges.seq, after)))
      .orderBy(asc(segmentChanges.seq))
      .limit(limit),
  ]);
  const lines = rows.map((r) => ({ user: r.user, change: r.change as ChangeLine['change'], at: r.at }));
  return { lines, nextCursor: rows.length === limit ? String(rows[rows.length - 1]!.seq) : null, since: mark };
}

/** JSON lines: one object per line. */
export function toJsonLines(lines: readonly object[]): string {
  return lines.map((l) => `${JSON.stringify(l)}\n`).join('');
}

/** CSV with a header row; fields quoted when they hold a comma, quote or line break. */
export function toCsv(columns: readonly string[], lines: readonly object[]): string {
  const cell = (v: unknown) => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(','), ...lines.map((l) => columns.map((c) => cell((l as Record<string, unknown>)[c])).join(','))].join('\r\n') + '\r\n';
}
