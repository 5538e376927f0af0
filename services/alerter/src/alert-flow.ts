// The alerter's processing loop: anomaly batches from the consumer, ticks of the timer and
// rebalances (partitions revoked and assigned) all go through here one at a time, so the
// dispatcher never sees two writers. A round (a batch or a tick) only queues its notifications on
// the channels' lanes, so a slow channel never holds up the next batch or another channel.
// Durability follows in round order: once a round's notifications are all delivered, muted or
// parked, the groups' state it changed is saved and then its anomalies.v1 offsets are committed
// (at-least-once). A round that stop interrupted, and every round after it, commits nothing.

import { validateAnomaly, parseJson, type Anomaly } from '@vigil/contract';
import type { Notification } from '@vigil/notifiers';
import { extractTraceContext, type Logger, type PipelineMetrics, type TraceContext } from '@vigil/telemetry';
import type { CommitPosition, IncomingRecord } from '@vigil/transport';
import type { Clock } from './clock';
import type { DispatchedNotification, Dispatcher } from './dispatch/dispatcher';
import type { GroupOwnership } from './dispatch/group-ownership';
import type { GroupStateRecord } from './notification-log/log-records';
import type { NotificationLog } from './notification-log/notification-log';
import { NOTIFICATION_LOG_RETENTION_MS } from './notification-log/notification-log';
import type { NotifyPipeline, Submitted, TraceOf } from './notify/notify-pipeline';
import type { RecordSink } from './notify/record-stage';

const INVALID_SAMPLE_MAX = 1024;

/**
 * How often every open group's state is saved again, changed or not. A restore reads only the
 * last NOTIFICATION_LOG_RETENTION_MS of notifications.v1, and a group can go days without a
 * change (VIGIL_REPEAT_INTERVAL_SECONDS up to a week): a fresh copy each hour keeps every open
 * group inside what a restore reads.
 */
const GROUP_STATE_REFRESH_MS = 3600 * 1000;

export interface AlertFlowOptions {
  dispatcher: Dispatcher;
  ownership: GroupOwnership;
  pipeline: NotifyPipeline;
  sink: RecordSink;
  log: NotificationLog;
  clock: Clock;
  logger: Logger;
  metrics: PipelineMetrics;
  /** Parks a record that is not a valid Anomaly (notifications-dlq.v1). */
  parkInvalid(record: IncomingRecord, error: string): Promise<void>;
  /** Commits anomalies.v1 positions whose every notification is done with (the consumer's manual commit). */
  commit(positions: readonly CommitPosition[]): Promise<void>;
}

export class AlertFlow {
  private queue: Promise<unknown> = Promise.resolve();
  /** The rounds' saves and commits, in round order. */
  private durable: Promise<void> = Promise.resolve();
  /** Set once a round was interrupted by stop: nothing after it may be saved or committed. */
  private interrupted = false;
  /**
   * Per partition, the offset after the last record the dispatcher took in. Records before it are
   * in the dispatcher's state already: the consumer hands them over again after a rebalance or a
   * failed batch (it goes back to the last commit, which waits for the slowest channel).
   */
  private readonly ingestedUpTo = new Map<number, bigint>();
  /** Per partition, bumped when it is revoked: a round of an earlier ownership saves and commits nothing for it. */
  private readonly epochs = new Map<number, number>();
  /** When every open group's state was last saved again (GROUP_STATE_REFRESH_MS). */
  private refreshedAt: number | undefined;

  constructor(private readonly o: AlertFlowOptions) {}

  handleBatch(records: readonly IncomingRecord[]): Promise<void> {
    return this.serially(async () => {
      await this.o.ownership.restorePending();
      const fresh = records.filter((record) => BigInt(record.offset) >= (this.ingestedUpTo.get(record.partition) ?? -1n));
      if (fresh.length === 0) return;
      // A failed batch is redelivered: forget what it did so its notifications are emitted again
      // (with the same keys, so the channels that already got them are skipped).
      const before = this.o.dispatcher.snapshot();
      try {
        const notifications: DispatchedNotification[] = [];
        const traces = new Map<Notification, TraceContext>();
        for (const record of fresh) {
          const anomaly = await this.decode(record);
          if (anomaly === undefined) continue;
          const trace = extractTraceContext(record.headers);
          for (const notification of this.o.dispatcher.ingest(anomaly, this.o.clock(), record.partition)) {
            notifications.push(notification);
            traces.set(notification, trace);
          }
        }
        await this.submit(notifications, (notification) => traces.get(notification), commitPositions(fresh));
      } catch (error) {
        this.o.dispatcher.rollback(before);
        throw error;
      }
      for (const { partition, offset } of commitPositions(fresh)) this.ingestedUpTo.set(partition, BigInt(offset));
    });
  }

  /** Sends what group wait, group interval or repeat interval made due (of the groups this instance owns). */
  tick(): Promise<void> {
    return this.serially(async () => {
      await this.o.ownership.restorePending();
      const now = this.o.clock();
      this.refreshedAt ??= now;
      if (now - this.refreshedAt >= GROUP_STATE_REFRESH_MS) {
        this.o.dispatcher.markAllChanged();
        this.refreshedAt = now;
      }
      await this.submit(this.o.dispatcher.due(now));
      this.o.log.prune(now - NOTIFICATION_LOG_RETENTION_MS);
    });
  }

  /** A rebalance took these anomalies.v1 partitions away: their groups go at once. */
  revoked(partitions: readonly number[]): Promise<void> {
    return this.serially(async () => {
      for (const partition of partitions) {
        this.ingestedUpTo.delete(partition);
        this.epochs.set(partition, (this.epochs.get(partition) ?? 0) + 1);
      }
      this.o.ownership.revoke(partitions);
    });
  }

  /**
   * A rebalance assigned these partitions: the groups of new ones are restored before their first
   * batch. A failed restore is logged, not thrown (the consumer would only log it); the next batch
   * or tick tries again before it does anything.
   */
  assigned(partitions: readonly number[]): Promise<void> {
    return this.serially(async () => {
      this.o.ownership.assign(partitions);
      await this.o.ownership.restorePending().catch((error: unknown) => {
        this.o.metrics.error('restore');
        this.o.logger.warn({ err: error, partitions }, 'could not restore the alert groups of new partitions yet; will retry before the next batch');
      });
    });
  }

  /** Resolves when every round so far has been processed and its notifications saved and committed (or interrupted). */
  async drain(): Promise<void> {
    await this.serially(async () => undefined);
    await this.durable;
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async decode(record: IncomingRecord): Promise<Anomaly | undefined> {
    this.o.metrics.received(1);
    try {
      return validateAnomaly(parseJson('anomalies record', record.value));
    } catch (error) {
      const message = (error as Error).message;
      this.o.metrics.rejected(1, 'contract_invalid');
      this.o.logger.warn({ partition: record.partition, offset: record.offset, error: message }, 'parked an invalid anomaly record');
      await this.o.parkInvalid(record, message);
      return undefined;
    }
  }

  /** `traceOf`: the anomaly record's trace, for notifications a batch caused (a tick's continue none). */
  private async submit(notifications: readonly DispatchedNotification[], traceOf?: TraceOf, positions: readonly CommitPosition[] = []): Promise<void> {
    const submitted = await this.o.pipeline.submit(notifications, traceOf);
    this.o.metrics.sent(notifications.length);
    const at = this.o.clock();
    const groups = this.o.dispatcher.takeChanged().map((state): GroupStateRecord => ({ v: 1, type: 'group', at, state }));
    const epochs = new Map(this.epochs);
    this.durable = this.durable.then(() => this.makeDurable(submitted, groups, positions, epochs));
  }

  /** After the round's notifications settled: saves its groups, then commits its offsets (of partitions still held). */
  private async makeDurable(
    { settled }: Submitted,
    groups: readonly GroupStateRecord[],
    positions: readonly CommitPosition[],
    epochs: ReadonlyMap<number, number>,
  ): Promise<void> {
    if (this.interrupted) return;
    const stillHeld = (partition: number) =>
      this.o.ownership.ownedPartitions().includes(partition) && (this.epochs.get(partition) ?? 0) === (epochs.get(partition) ?? 0);
    try {
      await settled;
      const kept = groups.filter((record) => stillHeld(record.state.partition));
      await this.o.pipeline.persist(() => this.o.sink.saveGroups(kept));
    } catch {
      // Only stop interrupts a round; what it left undelivered is redelivered from the last commit.
      this.interrupted = true;
      return;
    }
    const held = positions.filter(({ partition }) => stillHeld(partition));
    if (held.length === 0) return;
    await this.o.commit(held).catch((error: unknown) => {
      this.o.logger.warn({ err: error, positions: held }, 'could not commit anomalies.v1 offsets; a later commit covers them');
    });
  }
}

/** Per partition, the position after the last of these records. */
function commitPositions(records: readonly IncomingRecord[]): CommitPosition[] {
  const next = new Map<string, { topic: string; partition: number; offset: bigint }>();
  for (const { topic, partition, offset } of records) {
    const key = `${topic}/${partition}`;
    const after = BigInt(offset) + 1n;
    if ((next.get(key)?.offset ?? -1n) < after) next.set(key, { topic, partition, offset: after });
  }
  return [...next.values()].map(({ topic, partition, offset }) => ({ topic, partition, offset: offset.toString() }));
}

export function invalidRecordSample(record: IncomingRecord): string {
  const text = record.value.toString('utf8');
  return text.length <= INVALID_SAMPLE_MAX ? text : `${text.slice(0, INVALID_SAMPLE_MAX - 1)}…`;
}
