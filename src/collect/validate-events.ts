import { fieldPath } from '../http/errors.ts';
import { type CollectResult, EventSchema, type EventInput } from './event-schema.ts';

/** Events of a batch split into the valid ones and the refused ones (by index and field). */
export interface CheckedBatch {
  valid: EventInput[];
  rejected: CollectResult['rejected'];
}

/**
 * Checks each event of a batch on its own; a bad event never spoils the good ones. An event
 * for a shopper `mayWriteFor` refuses is rejected on its `user` field.
 */
export function checkEvents(events: readonly unknown[], mayWriteFor: (user: string) => boolean = () => true): CheckedBatch {
  const valid: EventInput[] = [];
  const rejected: CollectResult['rejected'] = [];
  events.forEach((raw, index) => {
    const parsed = EventSchema.safeParse(raw);
    if (parsed.success && !mayWriteFor(parsed.data.user)) {
      rejected.push({ index, field: 'user', error: 'needs the user token of this shopper (or an anonymous id)' });
      return;
    }
    if (parsed.success) {
      valid.push(parsed.data);
      return;
    }
    const issue = parsed.error.issues[0];
    rejected.push({ index, field: fieldPath(issue?.path ?? []) || 'event', error: issue?.message ?? 'invalid event' });
  });
  return { valid, rejected };
}
