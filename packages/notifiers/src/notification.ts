// What the alerter hands a channel, and what a channel answers: the contract every notifier keeps.
import type { Anomaly } from '@vigil/contract';

export type NotificationKind = 'firing' | 'updated' | 'resolved' | 'summary';

export interface Notification {
  /** Stable per (alert group, kind, change) so a restart can skip what was already delivered. */
  idempotencyKey: string;
  kind: NotificationKind;
  /** Alert group (default detector + entity). */
  groupKey: string;
  /** Latest anomaly of the group; for 'summary' the first of `suppressed`. */
  anomaly: Anomaly;
  /** Anomalies seen in the group so far. */
  groupSize: number;
  /** 'summary' (storm control): the alerts folded into one message. */
  suppressed?: Anomaly[];
  /**
   * Alerts of other groups announced as part of this incident (correlation: they share the
   * attacking client, the route or the service), each as its latest anomaly, in the order they
   * joined; `state: 'resolved'` once that alert is over.
   */
  related?: Anomaly[];
}

/**
 * A delivery outcome is a value, never an exception. `reason` is safe to log: it never holds a
 * webhook URL, password or signing secret. `warning`: the channel took the message but not
 * entirely (email: the server refused some recipients); safe to log too.
 */
export type NotifyResult =
  | { ok: true; warning?: string }
  | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

export interface Notifier {
  readonly channel: string;
  send(notification: Notification): Promise<NotifyResult>;
  close?(): Promise<void>;
}

/** Default time a notifier waits for a channel before answering a retryable failure. */
export const DEFAULT_TIMEOUT_MS = 10_000;
