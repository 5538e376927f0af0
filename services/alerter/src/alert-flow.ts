// The alerter's processing loop: anomaly batches from the consumer, ticks of the timer and
// rebalances (partitions revoked and assigned) all go through here one at a time, so the
// dispatcher and the channels never see two writers.
// A batch resolves only after its notifications are delivered, muted or parked and the groups'
// state is saved, so committing its offsets afterwards is safe (at-least-once).

import { validateAnomaly, parseJson, type Anomaly } from '@vigil/contract';
import type { Notification } from '@vigil/notifiers';
import { extractTraceContext, type Logger, type PipelineMetrics, type TraceContext } from '@vigil/telemetry';
import type { IncomingRecord } from '@vigil/transport';
import type { Clock } from './clock';
import type { DispatchedNotification, Dispatcher } from './dispatch/dispatcher';
import type { GroupOwnership } from './dispatch/group-ownership';
import type { NotificationLog } from './notification-log/notification-log';
import { NOTIFICATION_LOG_RETENTION_MS } from './notification-log/notification-log';
import type { NotifyPipeline, TraceOf } from './notify/notify-pipeline';
import type { RecordSink } from './notify/record-stage';

const INVALID_SAMPLE_MAX = 1024;

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
}

export class AlertFlow {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: AlertFlowOptions) {}

  handleBatch(records: readonly IncomingRecord[]): Promise<void> {
    return this.serially(async () => {
      await this.o.ownership.restorePending();
      // A failed batch is redelivered: forget what it did so its notifications are emitted again
      // (with the same keys, so the channels that already got them are skipped).
      const before = this.o.dispatcher.snapshot();
      try {
        const notifications: DispatchedNotification[] = [];
        const traces = new Map<Notification, TraceContext>();
        for (const record of records) {
          const anomaly = await this.decode(record);
          if (anomaly === undefined) continue;
          const trace = extractTraceContext(record.headers);
          for (const notification of this.o.dispatcher.ingest(anomaly, this.o.clock(), record.partition)) {
            notifications.push(notification);
            traces.set(notification, trace);
          }
        }
        await this.deliver(notifications, (notification) => traces.get(notification));
      } catch (error) {
        this.o.dispatcher.rollback(before);
        throw error;
      }
    });
  }

  /** Sends what group wait, group interval or repeat interval made due (of the groups this instance owns). */
  tick(): Promise<void> {
    return this.serially(async () => {
      await this.o.ownership.restorePending();
      await this.deliver(this.o.dispatcher.due(this.o.clock()));
      this.o.log.prune(this.o.clock() - NOTIFICATION_LOG_RETENTION_MS);
    });
  }

  /** A rebalance took these anomalies.v1 partitions away: their groups go at once. */
  revoked(partitions: readonly number[]): Promise<void> {
    return this.serially(async () => this.o.ownership.revoke(partitions));
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

  /** Resolves when everything queued so far has finished. */
  drain(): Promise<void> {
    return this.serially(async () => undefined);
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
  private async deliver(notifications: readonly DispatchedNotification[], traceOf?: TraceOf): Promise<void> {
    await this.o.pipeline.process(notifications, traceOf);
    this.o.metrics.sent(notifications.length);
    const at = this.o.clock();
    await this.o.sink.saveGroups(this.o.dispatcher.takeChanged().map((state) => ({ v: 1, type: 'group', at, state })));
  }
}

export function invalidRecordSample(record: IncomingRecord): string {
  const text = record.value.toString('utf8');
  return text.length <= INVALID_SAMPLE_MAX ? text : `${text.slice(0, INVALID_SAMPLE_MAX - 1)}…`;
}
