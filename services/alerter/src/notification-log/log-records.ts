// Records of notifications.v1 (audit of every delivery, plus alert-group state) and
// notifications-dlq.v1 (notifications that failed for good). Both keyed by alert group.

import type { Notification, NotificationKind } from '@vigil/notifiers';
import type { AlertGroupState } from '../dispatch/dispatcher';

/**
 * delivered: the channel accepted it · failed: gave up after retries (also parked on the DLQ) ·
 * silenced: muted by a silence · duplicate: the log says it was already delivered ·
 * folded: delivered inside a storm-control summary.
 */
export type DeliveryOutcome = 'delivered' | 'failed' | 'silenced' | 'duplicate' | 'folded';

export interface DeliveryRecord {
  v: 1;
  type: 'delivery';
  at: number;
  channel: string;
  idempotencyKey: string;
  kind: NotificationKind;
  groupKey: string;
  alertId: string;
  severity: string;
  outcome: DeliveryOutcome;
  attempts: number;
  latencyMs: number;
  error?: string;
  /** For delivered: what the channel did not take (email: recipients the server refused). */
  warning?: string;
  silenceId?: string;
  /** For folded: the summary that carried it. */
  summaryKey?: string;
}

/** The dispatcher's state of one alert group, so a restarted alerter picks up where it was. */
export interface GroupStateRecord {
  v: 1;
  type: 'group';
  at: number;
  state: AlertGroupState;
}

export type NotificationLogRecord = DeliveryRecord | GroupStateRecord;

export interface DeadLetterRecord {
  v: 1;
  at: number;
  channel: string;
  attempts: number;
  error: string;
  notification: Notification;
}

/** Decodes a notifications.v1 value; anything else (an outside writer, a future version) is undefined. */
export function decodeLogRecord(value: Buffer): NotificationLogRecord | undefined {
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<NotificationLogRecord> | null;
    if (parsed === null || parsed.v !== 1) return undefined;
    if (parsed.type === 'delivery' && typeof parsed.idempotencyKey === 'string' && typeof parsed.channel === 'string') {
      return parsed as DeliveryRecord;
    }
    // A group state without its partition (written before groups were partition-owned) has no owner to restore it.
    if (parsed.type === 'group' && typeof parsed.state?.groupKey === 'string' && typeof parsed.state.partition === 'number') {
      return parsed as GroupStateRecord;
    }
    return undefined;
  } catch {
    return undefined;
  }
}
