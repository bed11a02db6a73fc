import { eq } from 'drizzle-orm';
import { type Database, changedRows, runBatch } from '../db/client.ts';
import { audienceProfiles, audienceStage, campaignCaps, segmentChanges, segmentMembers } from '../db/schema.ts';
import type { UserDataHolder } from '../privacy/erase-user.ts';

/**
 * Forgets a shopper's profile row, segment membership and its history (joins and leaves, so a
 * later `since=` export no longer names them), staged facts and campaign cap counters.
 */
export function audienceEraser(db: Database): UserDataHolder {
  return {
    name: 'audiences',
    async eraseUser(user) {
      const results = await runBatch(db, [
        db.delete(audienceProfiles).where(eq(audienceProfiles.userId, user)),
        db.delete(segmentMembers).where(eq(segmentMembers.userId, user)),
        db.delete(segmentChanges).where(eq(segmentChanges.userId, user)),
        db.delete(audienceStage).where(eq(audienceStage.userId, user)),
        db.delete(campaignCaps).where(eq(campaignCaps.userId, user)),
      ]);
      return results.reduce<number>((sum, r) => sum + changedRows(r), 0);
    },
  };
}
