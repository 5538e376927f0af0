// The chain every notification goes through: route → mute (the silence the dispatcher found) → dedup (notification log)
// → storm control → retry → record, per channel. Dedup comes before storm control so what was
// already delivered neither uses the channel's budget nor reappears in a summary.
// Each channel has its own lane: its deliveries go one after another, in the order they were
// submitted (an update never overtakes its alert), and its retries hold up only that lane, never
// another channel nor the next batch. submit() returns once the notifications are queued; their
// `settled` promise says when every one is delivered or parked, which is when offsets may move on.
// Each delivery is an alerter.notify span continuing the trace of the anomaly record behind it.

import type { Notification, Notifier } from '@vigil/notifiers';
import { startSpan, type Telemetry, type TraceContext } from '@vigil/telemetry';
import type { Clock } from '../clock';
import type { DispatchedNotification } from '../dispatch/dispatcher';
import type { DeliveryOutcome, DeliveryRecord } from '../notification-log/log-records';
import type { NotificationLog } from '../notification-log/notification-log';
import { routeChannels, type RoutingTable } from '../route/router';
import type { RecordSink } from './record-stage';
import { deliverWithRetry, retryDelayMs, type RetryEnvironment, type RetryPolicy } from './retry-stage';
import type { Admitted, StormControl } from './storm-control-stage';

export interface NotifyPipelineOptions {
  notifiers: ReadonlyMap<string, Notifier>;
  routing: RoutingTable;
  storm: StormControl;
  log: NotificationLog;
  retry: RetryPolicy;
  retryEnvironment: RetryEnvironment;
  sink: RecordSink;
  clock: Clock;
  /** Told about every retry (the failure and the channel). */
  onRetry?: (channel: string, reason: string) => void;
  /** Told when an audit record or group state could not be written to Kafka (it is written again). */
  onWriteFailure?: (error: unknown) => void;
  /** Traces each delivery when given. */
  tracer?: Telemetry['tracer'];
}

/** The trace a notification continues: that of the anomaly record it answers, when known. */
export type TraceOf = (notification: Notification) => TraceContext | undefined;

/**
 * What submit() queued: `settled` resolves once every notification is delivered, or failed and
 * parked, with its records written. It rejects (with DeliveryInterrupted) only after interrupt().
 */
export interface Submitted {
  settled: Promise<void>;
}

/** A notification on its way to a channel: queued, being attempted or waiting for a retry. */
export interface PendingDelivery {
  channel: string;
  notification: Notification;
}

/** A delivery that stop cut short: neither delivered nor parked, so its offset must not be committed. */
export class DeliveryInterrupted extends Error {
  constructor(channel: string) {
    super(`delivery on ${channel} interrupted by stop; left for the next start`);
  }
}

type Extra = Pick<DeliveryRecord, 'attempts' | 'latencyMs'> & Partial<Pick<DeliveryRecord, 'error' | 'warning' | 'silenceId' | 'summaryKey'>>;

function deliveryRecord(n: Notification, channel: string, outcome: DeliveryOutcome, at: number, extra: Extra): DeliveryRecord {
  return {
    v: 1,
    type: 'delivery',
    at,
    channel,
    idempotencyKey: n.idempotencyKey,
    kind: n.kind,
    groupKey: n.groupKey,
    alertId: n.anomaly.id,
    severity: n.anomaly.severity,
    outcome,
    ...extra,
  };
}

export class NotifyPipeline {
  private readonly configured: ReadonlySet<string>;
  /** Per channel, the end of its lane: the delivery submitted last. */
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  /** Aborted when a stop with time to spare begins: each delivery then gets one retry at once. */
  private readonly retryNow = new AbortController();
  /** Deliveries submitted and not yet delivered, parked or ended otherwise than by a stop. */
  private readonly pending = new Set<PendingDelivery>();

  constructor(private readonly o: NotifyPipelineOptions) {
    this.configured = new Set(o.notifiers.keys());
  }

  /**
   * The retry waits of one delivery. Once a stop with time to spare begins, its next retry comes
   * at once (a wait under way ends), and those after it after their usual backoff.
   */
  private retryWaits(): RetryEnvironment {
    const { retryEnvironment } = this.o;
    let hurried = false;
    return {
      random: () => retryEnvironment.random(),
      wait: async (ms, signal) => {
        if (this.retryNow.signal.aborted) {
          if (!hurried) {
            hurried = true;
            return;
          }
          return retryEnvironment.wait(ms, signal);
        }
        await retryEnvironment.wait(ms, AbortSignal.any([this.retryNow.signal, ...(signal === undefined ? [] : [signal])]));
        if (this.retryNow.signal.aborted) hurried = true;
      },
    };
  }

  /** Records what is muted or already delivered, queues the rest on the channels' lanes. */
  async submit(notifications: readonly DispatchedNotification[], traceOf: TraceOf = () => undefined): Promise<Submitted> {
    if (notifications.length === 0) return { settled: Promise.resolve() };
    const now = this.o.clock();
    const byChannel = new Map<string, Notification[]>();
    for (const notification of notifications) {
      const channels = routeChannels(this.o.routing, notification.anomaly.detector, notification.routeSeverity, this.configured);
      // Muted when the dispatcher made it, so the dispatcher knows the channels have not heard of it.
      const { silenceId } = notification;
      for (const channel of channels) {
        if (silenceId !== undefined) {
          await this.o.sink.record(deliveryRecord(notification, channel, 'silenced', now, { attempts: 0, latencyMs: 0, silenceId }), traceOf(notification));
        } else if (this.o.log.has(channel, notification.idempotencyKey)) {
          await this.o.sink.record(deliveryRecord(notification, channel, 'duplicate', now, { attempts: 0, latencyMs: 0 }), traceOf(notification));
        } else {
          byChannel.set(channel, [...(byChannel.get(channel) ?? []), notification]);
        }
      }
    }
    const deliveries = [...byChannel].flatMap(([channel, queued]) =>
      this.o.storm.admit(channel, queued, now).map((admitted) => this.enqueue({ channel, notification: admitted.notification }, () => this.deliver(channel, admitted, traceOf))),
    );
    const settled = Promise.all(deliveries).then(() => undefined);
    settled.catch(() => undefined); // the caller awaits it later; until then a rejection is not unhandled
    return { settled };
  }

  /**
   * Stop: no attempt starts and no retry waits any more. An attempt already under way finishes;
   * whatever is not delivered by then settles as DeliveryInterrupted, unrecorded and unparked.
   */
  interrupt(): void {
    this.stopping.abort();
  }

  /**
   * Stop with `graceMs` to spare: each delivery's next retry comes at once, the lanes go on
   * (further retries after their usual backoff) until every one is idle or the time is up, then
   * interrupt(). With 0, interrupt() at once.
   */
  async stop(graceMs: number): Promise<void> {
    if (graceMs > 0 && this.pending.size > 0) {
      this.retryNow.abort();
      const idle = new AbortController();
      await Promise.race([this.idle().then(() => idle.abort()), this.o.retryEnvironment.wait(graceMs, idle.signal)]);
    }
    this.interrupt();
  }

  /** What was submitted and is neither delivered nor parked (after a stop: what it cut short). */
  undelivered(): PendingDelivery[] {
    return [...this.pending];
  }

  /** Resolves once every lane has run out, including deliveries queued meanwhile. */
  private async idle(): Promise<void> {
    for (;;) {
      const ends = [...this.lanes.values()];
      await Promise.all(ends);
      const now = [...this.lanes.values()];
      if (now.length === ends.length && now.every((end, i) => end === ends[i])) return;
    }
  }

  /** Writes until Kafka takes it (records must not be lost, nor offsets pass them); throws only once stopping. */
  async persist(write: () => Promise<void>): Promise<void> {
    for (let failures = 1; ; failures++) {
      try {
        return await write();
      } catch (error) {
        if (this.stopping.signal.aborted) throw error;
        this.o.onWriteFailure?.(error);
        await this.o.retryEnvironment.wait(retryDelayMs(this.o.retry, failures, this.o.retryEnvironment.random()), this.stopping.signal);
      }
    }
  }

  private enqueue(entry: PendingDelivery, delivery: () => Promise<void>): Promise<void> {
    const { channel } = entry;
    this.pending.add(entry);
    const run = (this.lanes.get(channel) ?? Promise.resolve()).then(() => {
      if (this.stopping.signal.aborted) throw new DeliveryInterrupted(channel);
      return delivery();
    });
    const ended = run.then(
      () => this.pending.delete(entry),
      (error: unknown) => {
        if (!(error instanceof DeliveryInterrupted)) this.pending.delete(entry);
      },
    );
    this.lanes.set(channel, ended.then(() => undefined));
    return run;
  }

  private async deliver(channel: string, { notification, folded }: Admitted, traceOf: TraceOf): Promise<void> {
    const notifier = this.o.notifiers.get(channel);
    if (notifier === undefined) return;
    const started = this.o.clock();
    // A summary has no record of its own: it links the traces of the notifications it folds.
    const span = this.o.tracer && startSpan(this.o.tracer, 'alerter.notify', {
      kind: 'client',
      parent: traceOf(notification),
      links: folded.flatMap((member) => traceOf(member) ?? []),
      attributes: { 'vigil.channel': channel, 'vigil.notification.kind': notification.kind, 'vigil.detector': notification.anomaly.detector, 'vigil.severity': notification.anomaly.severity },
    });
    const { result, attempts, interrupted } = await deliverWithRetry(
      notifier,
      notification,
      this.o.retry,
      this.retryWaits(),
      (failure) => this.o.onRetry?.(channel, failure.reason),
      this.stopping.signal,
    );
    span?.setAttributes({ 'vigil.outcome': interrupted ? 'interrupted' : result.ok ? 'delivered' : 'failed', 'vigil.attempts': attempts });
    span?.end(result.ok ? undefined : result.reason);
    if (interrupted) throw new DeliveryInterrupted(channel);
    const at = this.o.clock();
    const timing = { attempts, latencyMs: at - started };
    // Audit records continue the delivery's span (or, with tracing off, the anomaly's trace).
    const trace = span?.context ?? traceOf(notification);
    if (result.ok) {
      this.o.log.markDelivered(channel, notification.idempotencyKey, at);
      const warning = result.warning === undefined ? {} : { warning: result.warning };
      await this.persist(() => this.o.sink.record(deliveryRecord(notification, channel, 'delivered', at, { ...timing, ...warning }), trace));
    } else {
      await this.persist(() => this.o.sink.record(deliveryRecord(notification, channel, 'failed', at, { ...timing, error: result.reason }), trace));
      await this.persist(() => this.o.sink.park({ v: 1, at, channel, attempts, error: result.reason, notification }, trace));
    }
    for (const member of folded) {
      if (result.ok) this.o.log.markDelivered(channel, member.idempotencyKey, at);
      const outcome = result.ok ? 'folded' : 'failed';
      await this.persist(() => this.o.sink.record(deliveryRecord(member, channel, outcome, at, { ...timing, summaryKey: notification.idempotencyKey }), trace));
    }
  }
}
