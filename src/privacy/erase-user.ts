import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { events } from '../db/schema.ts';

/** Something else that holds data about a user and can forget it (the derived table store). */
export interface UserDataHolder {
  /** Name reported in the counts. */
  readonly name: string;
  /** Forgets the user; returns how many records went. */
  eraseUser(userId: string): Promise<number>;
}

/** What an erasure removed, per store, and which stores could not be reached (they forget at the next rebuild). */
export interface Erasure {
  deleted: Record<string, number>;
  pending: string[];
}

/**
 * Erases a user: every event in the log, then every derived record held elsewhere. A holder
 * that fails is reported as pending instead of failing the erasure: its records are derived
 * from the log, so the next rebuild drops them.
 */
export async function eraseUser(db: Database, userId: string, holders: readonly UserDataHolder[] = []): Promise<Erasure> {
  const gone = await db.delete(events).where(eq(events.userId, userId)).returning({ seq: events.seq });
  const erasure: Erasure = { deleted: { events: gone.length }, pending: [] };
  for (const holder of holders) {
    try {
      erasure.deleted[holder.name] = await holder.eraseUser(userId);
    } catch (err) {
      console.error(`erasure of ${holder.name} pending`, err);
      erasure.pending.push(holder.name);
    }
  }
  return erasure;
}
