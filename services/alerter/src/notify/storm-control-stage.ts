// Storm control: past N notifications per minute on one channel, the rest of a round (one consumer
// batch or one tick) is folded into a single summary message instead of a flood. Folding happens
// within the round, so nothing is held in memory across offset commits.

import { createHash } from 'node:crypto';
import type { Notification } from '@vigil/notifiers';

const WINDOW_MS = 60_000;

export interface Admitted {
  notification: Notification;
  /** For a summary: the notifications it stands for. */
  folded: Notification[];
}

function summaryOf(channel: string, folded: readonly Notification[]): Notification {
  const first = folded[0];
  if (first === undefined) throw new RangeError('a summary needs at least one notification');
  const keys = folded.map((n) => n.idempotencyKey).sort();
  return {
    idempotencyKey: `summary:${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 32)}`,
    kind: 'summary',
    groupKey: `storm-control|${channel}`,
    anomaly: first.anomaly,
    groupSize: folded.length,
    suppressed: folded.map((n) => n.anomaly),
  };
}

export class StormControl {
  /** Per channel, the times of recent sends (sliding one-minute window). */
  private readonly sends = new Map<string, number[]>();

  constructor(private readonly maxPerMinute: number) {}

  admit(channel: string, notifications: readonly Notification[], now: number): Admitted[] {
    const recent = (this.sends.get(channel) ?? []).filter((at) => at > now - WINDOW_MS);
    const room = Math.max(0, this.maxPerMinute - recent.length);
    const admitted: Admitted[] = notifications.slice(0, room).map((notification) => ({ notification, folded: [] }));
    const overflow = notifications.slice(room);
    if (overflow.length > 0) admitted.push({ notification: summaryOf(channel, overflow), folded: overflow });
    this.sends.set(channel, [...recent, ...admitted.map(() => now)]);
    return admitted;
  }
}
