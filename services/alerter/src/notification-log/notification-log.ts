// Which notifications each channel already accepted, by idempotency key. Restored from
// notifications.v1 at start, so a restart (which redelivers uncommitted anomalies) does not resend.

import type { AlertGroupState } from '../dispatch/dispatcher';
import type { NotificationLogRecord } from './log-records';

/** How long a delivered key is remembered: far longer than any redelivery after a restart. */
export const NOTIFICATION_LOG_RETENTION_MS = 24 * 3600 * 1000;
/**
 * Keys remembered at most, whatever the retention: an alert storm (a botnet's addresses each
 * firing auth-failure-surge) would otherwise keep a day of them. About 150 bytes each; a restart
 * redelivers minutes of anomalies, far fewer keys than this.
 */
const NOTIFICATION_LOG_MAX_ENTRIES = 200_000;

export class NotificationLog {
  /** "channel idempotencyKey" → when it was delivered; oldest first. */
  private readonly delivered = new Map<string, number>();

  constructor(private readonly maxEntries = NOTIFICATION_LOG_MAX_ENTRIES) {}

  has(channel: string, key: string): boolean {
    return this.delivered.has(`${channel} ${key}`);
  }

  markDelivered(channel: string, key: string, at: number): void {
    const entry = `${channel} ${key}`;
    this.delivered.delete(entry);
    this.delivered.set(entry, at);
    if (this.delivered.size > this.maxEntries) this.delivered.delete(this.delivered.keys().next().value as string);
  }

  /** Forgets keys delivered before `cutoff` so the log does not grow without bound. */
  prune(cutoff: number): void {
    for (const [entry, at] of this.delivered) if (at < cutoff) this.delivered.delete(entry);
  }

  size(): number {
    return this.delivered.size;
  }
}

/**
 * Rebuilds the log (into `log`, which may already hold deliveries) and the latest state of every
 * open alert group from notifications.v1 records, oldest first.
 */
export function restoreFromRecords(
  records: Iterable<NotificationLogRecord>,
  log = new NotificationLog(),
): { log: NotificationLog; groups: AlertGroupState[] } {
  const groups = new Map<string, AlertGroupState>();
  for (const record of records) {
    if (record.type === 'group') groups.set(record.state.groupKey, record.state);
    else if (record.outcome === 'delivered' || record.outcome === 'folded') log.markDelivered(record.channel, record.idempotencyKey, record.at);
  }
  return { log, groups: [...groups.values()].filter((g) => !g.closed) };
}
