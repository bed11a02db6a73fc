import type { Database } from '../db/client.ts';
import type { CollectResult } from './event-schema.ts';
import { storeEvents } from './store-events.ts';
import { checkEvents } from './validate-events.ts';

/** Checks a batch event by event and stores the valid ones atomically. */
export async function collectBatch(db: Database, rawEvents: readonly unknown[]): Promise<CollectResult> {
  const { valid, rejected } = checkEvents(rawEvents);
  const stored = valid.length ? await storeEvents(db, valid) : { accepted: 0, duplicates: 0 };
  return { ...stored, rejected };
}
