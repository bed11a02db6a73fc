import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { events } from '../db/schema.ts';

/** Rows removed by an erasure, per store. */
export type ErasureCounts = Record<string, number>;

/** Something else that holds data about a user and can forget it (the derived table store). */
export interface UserDataHolder {
  /** Name reported in the counts. */
  readonly name: string;
  /** Forgets the user; returns how many records went. */
  eraseUser(userId: string): Promise<number>;
}

/**
 * Erases a user: every event in the log, then every derived record held elsewhere.
 * Returns how many rows or records went, per store.
 */
export async function eraseUser(db: Database, userId: string, holders: readonly UserDataHolder[] = []): Promise<ErasureCounts> {
  const gone = await db.delete(events).where(eq(events.userId, userId)).run();
  const counts: ErasureCounts = { events: gone.meta.changes ?? 0 };
  for (const holder of holders) counts[holder.name] = await holder.eraseUser(userId);
  return counts;
}
