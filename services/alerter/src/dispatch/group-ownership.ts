// Which alert groups this instance holds. A group belongs to the anomalies.v1 partition of its
// latest anomaly, as the detector's per-client state belongs to a partition of events.v1: an
// instance keeps, repeats and restores only the groups of the partitions the consumer group
// assigned to it, so with several instances every group has one owner and every reminder one sender.
//
// A partition taken away drops its groups at once. A partition gained is restored from the last
// day of notifications.v1 (the latest state its previous owner saved, which it saves again every
// hour, and the deliveries for the notification log) before its first batch; a restore that fails is tried again before the next
// batch or tick, so it is never skipped.

import type { Dispatcher } from './dispatcher';
import type { NotificationLogRecord } from '../notification-log/log-records';
import { restoreFromRecords, type NotificationLog } from '../notification-log/notification-log';

export interface GroupOwnershipOptions {
  dispatcher: Dispatcher;
  log: NotificationLog;
  /** The records of notifications.v1 a restore needs (the last day's), up to its end now. */
  readLog(): Promise<NotificationLogRecord[]>;
  /** Told what each change did, for a log line. */
  onChange?(change: { released?: number; adopted?: number; partitions: number[] }): void;
}

export class GroupOwnership {
  private readonly owned = new Set<number>();
  private readonly unrestored = new Set<number>();

  constructor(private readonly o: GroupOwnershipOptions) {}

  /** The partitions lost in a rebalance: their groups are another instance's now. */
  revoke(partitions: readonly number[]): void {
    for (const partition of partitions) {
      this.owned.delete(partition);
      this.unrestored.delete(partition);
    }
    const released = this.o.dispatcher.release(new Set(partitions));
    this.o.onChange?.({ released, partitions: [...partitions] });
  }

  /** The partitions assigned after a rebalance; those new to this instance wait for restorePending(). */
  assign(partitions: readonly number[]): void {
    for (const partition of partitions) {
      if (!this.owned.has(partition)) this.unrestored.add(partition);
      this.owned.add(partition);
    }
  }

  /** Restores the groups of newly assigned partitions; throws (and tries again next time) if notifications.v1 cannot be read. */
  async restorePending(): Promise<void> {
    if (this.unrestored.size === 0) return;
    const partitions = new Set(this.unrestored);
    const { groups } = restoreFromRecords(await this.o.readLog(), this.o.log);
    const adopted = this.o.dispatcher.adopt(groups.filter((group) => partitions.has(group.partition)));
    for (const partition of partitions) this.unrestored.delete(partition);
    this.o.onChange?.({ adopted, partitions: [...partitions] });
  }

  ownedPartitions(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }
}
