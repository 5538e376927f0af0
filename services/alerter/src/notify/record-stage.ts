// The audit trail: every delivery outcome as a structured log line, a metric and a notifications.v1
// record (which is also the notification log a restart restores); failures for good are parked on
// notifications-dlq.v1 with the error. A failed write throws, so the batch is redelivered.

import { traceHeaders, traceIdOf, type Counter, type Histogram, type Logger, type Telemetry, type TraceContext } from '@vigil/telemetry';
import type { Producer } from '@vigil/transport';
import type { DeadLetterRecord, DeliveryRecord, GroupStateRecord } from '../notification-log/log-records';
import { COMPONENT_METRICS } from '@vigil/telemetry';

export interface RecordSink {
  /** `trace`: the notification's trace (its alerter.notify span, or the anomaly's), carried as record headers. */
  record(record: DeliveryRecord, trace?: TraceContext): Promise<void>;
  park(deadLetter: DeadLetterRecord, trace?: TraceContext): Promise<void>;
  saveGroups(records: readonly GroupStateRecord[]): Promise<void>;
}

export interface RecordStageOptions {
  producer: Producer;
  topics: { notifications: string; deadLetters: string };
  logger: Logger;
  telemetry: Telemetry;
}

const headersOf = (trace: TraceContext | undefined): Record<string, string> => (trace === undefined ? {} : traceHeaders(trace));

export function createRecordStage(options: RecordStageOptions): RecordSink {
  const { producer, topics, logger, telemetry } = options;
  const outcomes: Counter = telemetry.counter(COMPONENT_METRICS.notifications.name, COMPONENT_METRICS.notifications.description);
  const latency: Histogram = telemetry.histogram(COMPONENT_METRICS.notificationLatency.name, COMPONENT_METRICS.notificationLatency.description, 'ms');
  const parked: Counter = telemetry.counter(COMPONENT_METRICS.notificationsDeadLettered.name, COMPONENT_METRICS.notificationsDeadLettered.description);
  return {
    async record(record, trace) {
      outcomes.add(1, { channel: record.channel, outcome: record.outcome });
      if (record.outcome === 'delivered') latency.record(record.latencyMs, { channel: record.channel });
      const level = record.outcome === 'failed' || record.warning !== undefined ? 'warn' : 'info';
      const traceId = trace === undefined ? undefined : traceIdOf(trace);
      const message = `notification ${record.outcome} on ${record.channel}${record.warning === undefined ? '' : ` with a warning: ${record.warning}`}`;
      logger[level]({ audit: 'notification', ...record, ...(traceId === undefined ? {} : { traceId }) }, message);
      await producer.send(topics.notifications, [{ key: record.groupKey, value: JSON.stringify(record), headers: headersOf(trace) }]);
    },
    async park(deadLetter, trace) {
      parked.add(1, { channel: deadLetter.channel });
      await producer.send(topics.deadLetters, [{ key: deadLetter.notification.groupKey, value: JSON.stringify(deadLetter), headers: headersOf(trace) }]);
    },
    async saveGroups(records) {
      if (records.length === 0) return;
      await producer.send(
        topics.notifications,
        records.map((r) => ({ key: r.state.groupKey, value: JSON.stringify(r) })),
      );
    },
  };
}
