import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { leases } from '../db/schema.ts';

/**
 * Takes the named lease for `holder` until `now + ttlMs`, unless someone else holds an
 * unexpired one. One statement, so two overlapping runs cannot both win.
 */
export async function acquireLease(db: Database, name: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
  const taken = await db
    .insert(leases)
    .values({ name, holder, expiresAt: now + ttlMs })
    .onConflictDoUpdate({
      target: leases.name,
      set: { holder, expiresAt: now + ttlMs },
      where: sql`${leases.expiresAt} < ${now} OR ${leases.holder} = ${holder}`,
    })
    .returning({ holder: leases.holder })
    .get();
  return taken?.holder === holder;
}

/** Gives the lease back (only if `holder` still holds it). */
export async function releaseLease(db: Database, name: string, holder: string): Promise<void> {
  await db.delete(leases).where(and(eq(leases.name, name), eq(leases.holder, holder)));
}
