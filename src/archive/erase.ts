import type { Database } from '../db/client.ts';
import type { UserDataHolder } from '../privacy/erase-user.ts';
import type { ArchiveBucket } from './bucket.ts';
import { sha256Hex, type Tombstone, tombstoneKey } from './layout.ts';
import { highWaterSeq } from './write-archive.ts';

/**
 * Erasure in the archive: a tombstone every reader applies (the user's events up to the log's
 * current sequence number). Objects are immutable; the offline rebuild's `--compact` is not
 * needed for correctness, only to reclaim space (see src/archive/README.md).
 */
export function archiveEraser(bucket: ArchiveBucket, db: Database, now: () => number = Date.now): UserDataHolder {
  return {
    name: 'archive',
    async eraseUser(user) {
      const tombstone: Tombstone = { user_sha256: await sha256Hex(user), up_to_seq: await highWaterSeq(db), at: now() };
      await bucket.put(tombstoneKey(tombstone), JSON.stringify(tombstone));
      return 1;
    },
  };
}
