// Wires the alerter: restores silences from Kafka, then consumes anomalies.v1 in a consumer group
// and ticks the dispatcher once a second. The notification log and the alert groups are restored
// per assigned partition (GroupOwnership), so several instances never hold the same group.

import { setTimeout as sleep } from 'node:timers/promises';
import { alerterSchema, commonSchema, loadConfig, type Env } from '@vigil/config';
import { followTokenFile, TokenBucketLimiter, type VigilHttpServer } from '@vigil/http';
import type { Logger, Telemetry } from '@vigil/telemetry';
import type { CommitPosition, IncomingRecord, PartitionAssignment } from '@vigil/transport';
import { AlertFlow, invalidRecordSample } from './alert-flow';
import { correlationSettings, dispatchTiming, routingTable, STATIC_SILENCE_CREATOR, staticSilences } from './alerter-config';
import { consoleEnabled, createNotifiers } from './channels/create-notifiers';
import { systemClock, type Clock } from './clock';
import { Dispatcher } from './dispatch/dispatcher';
import { groupKeyFunction, type GroupByField } from './dispatch/group-key';
import { GroupOwnership } from './dispatch/group-ownership';
import { decodeLogRecord, type NotificationLogRecord } from './notification-log/log-records';
import { NOTIFICATION_LOG_RETENTION_MS, NotificationLog } from './notification-log/notification-log';
import { NotifyPipeline, type PendingDelivery } from './notify/notify-pipeline';
import { createRecordStage } from './notify/record-stage';
import type { RetryEnvironment } from './notify/retry-stage';
import { retryWarning } from './notify/retry-warning';
import { StormControl } from './notify/storm-control-stage';
import { registerSilenceApi, SILENCES_PATH } from './silence/silence-api';
import type { Silence } from './silence/silence';
import { lostSilencesMessage } from './silence/silence-env-text';
import { SilenceStore } from './silence/silence-store';
import { startSilenceSync } from './silence/silence-sync';
import { COMPONENT_METRICS } from '@vigil/telemetry';
import type { RunningService, ServiceDeps } from '@vigil/service';

/** Knobs for tests and embedding; production uses the defaults. */
export interface AlerterRuntimeOptions {
  clock?: Clock;
  /** How often group wait, group interval and repeat interval are checked. Default 1000 ms. */
  tickMs?: number;
  /** Where console alerts go. Default stdout. */
  consoleStream?: NodeJS.WritableStream;
}

/** Real timers; a wait ends early when the alerter stops. */
const retryEnvironment: RetryEnvironment = {
  wait: (ms, signal) => sleep(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined),
  random: Math.random,
};

function partitionsOf(assignment: readonly PartitionAssignment[], topic: string): number[] {
  return assignment.find((entry) => entry.topic === topic)?.partitions ?? [];
}

/** Most undelivered notifications a stop names one by one in its log line. */
const UNDELIVERED_LISTED = 20;

function logUndelivered(logger: Logger, undelivered: readonly PendingDelivery[], embedded: boolean): void {
  if (undelivered.length === 0) return;
  const listed = undelivered.slice(0, UNDELIVERED_LISTED).map(({ channel, notification }) => ({
    channel,
    kind: notification.kind,
    alertId: notification.anomaly.id,
    groupKey: notification.groupKey,
  }));
  const count = `${undelivered.length} notification${undelivered.length === 1 ? '' : 's'}`;
  logger.warn(
    { undelivered: listed, total: undelivered.length },
    embedded
      ? `stopped with ${count} not delivered; they are lost (the embedded mode keeps nothing across a restart)`
      : `stopped with ${count} not delivered; left uncommitted, the next start delivers them`,
  );
}

/** The embedded mode's silences live in memory: say which ones a stop loses, and how to keep them. */
function logLostSilences(logger: Logger, active: readonly Silence[]): void {
  const lost = active.filter((silence) => silence.createdBy !== STATIC_SILENCE_CREATOR);
  if (lost.length === 0) return;
  logger.warn({ silences: lost.map(({ id, matchers, endsAt, comment }) => ({ id, matchers, endsAt, comment })) }, lostSilencesMessage(lost));
}

export async function startAlerter(deps: ServiceDeps, runtime: AlerterRuntimeOptions = {}): Promise<RunningService> {
  const { transport, logger, telemetry, http } = deps;
  const config = loadConfig(alerterSchema, deps.env);
  // Followed in place when given as VIGIL_ADMIN_TOKENS_FILE: rotating a token needs no restart.
  const adminTokens = [...(loadConfig(commonSchema, deps.env).adminTokens ?? [])];
  const stopFollowingTokens = followTokenFile(adminTokens, commonSchema.adminTokens, deps.env, logger);
  const clock = runtime.clock ?? systemClock;
  const embedded = transport.kind === 'in-process';
  const notifiers = createNotifiers(config, { consoleStream: runtime.consoleStream ?? process.stdout, embedded });
  const metrics = telemetry.pipeline('alerter');

  const producer = await transport.producer();
  const topics = { anomalies: transport.topic('anomalies'), notifications: transport.topic('notifications'), deadLetters: transport.topic('notificationsDlq') };
  // Only the window the notification log remembers: deliveries older than it are forgotten anyway,
  // and every open group's state is saved again within it (GROUP_STATE_REFRESH_MS). The rest of the
  // topic is audit history, which a start need not read.
  const readLog = async () =>
    (await transport.readAll(topics.notifications, { since: clock() - NOTIFICATION_LOG_RETENTION_MS }))
      .map((r) => decodeLogRecord(r.value))
      .filter((r): r is NotificationLogRecord => r !== undefined);
  const log = new NotificationLog();

  const silences = new SilenceStore(staticSilences(config));

  const sink = createRecordStage({ producer, topics, logger, telemetry });
  const dispatcher = new Dispatcher(
    dispatchTiming(config),
    groupKeyFunction(config.groupBy as GroupByField[]) /* values checked by the schema */,
    (anomaly, now) => silences.mutedBy(anomaly, now)?.id,
    correlationSettings(config),
  );
  const ownership = new GroupOwnership({
    dispatcher,
    log,
    readLog,
    onChange: (change) => logger.info({ ...change, delivered: log.size() }, 'alert groups follow the assigned partitions'),
  });
  const silenceSync = await startSilenceSync({
    transport,
    producer,
    store: silences,
    groupPrefix: config.consumerGroup,
    clock,
    logger,
    // Partition 0 of anomalies.v1 has one holder in a settled group: it alone tombstones expired silences.
    ownsExpiry: () => ownership.ownedPartitions().includes(0),
  });
  const retries = telemetry.counter(COMPONENT_METRICS.notificationRetries.name, COMPONENT_METRICS.notificationRetries.description);
  const warnOfRetry = retryWarning(logger, clock);
  const pipeline = new NotifyPipeline({
    notifiers,
    routing: routingTable(config, consoleEnabled(config, embedded)),
    storm: new StormControl(config.stormMaxPerMinute),
    log,
    retry: { maxAttempts: config.notifyMaxAttempts, baseMs: config.notifyBackoffBaseMs, maxMs: config.notifyBackoffMaxMs },
    retryEnvironment,
    sink,
    clock,
    tracer: telemetry.tracer,
    onRetry: (channel, reason) => {
      retries.add(1, { channel });
      warnOfRetry(channel, reason);
    },
    onWriteFailure: (error) => logger.warn({ err: error }, 'could not write to notifications.v1 or the dead-letter topic; writing again'),
  });
  // Bound below, once the consumer exists: the flow commits only what its channels are done with.
  let commit: (positions: readonly CommitPosition[]) => Promise<void> = async () => undefined;
  const flow = new AlertFlow({
    dispatcher,
    ownership,
    pipeline,
    sink,
    log,
    clock,
    logger,
    metrics,
    parkInvalid: (record: IncomingRecord, error: string) =>
      producer.send(topics.deadLetters, [
        { key: record.key, value: JSON.stringify({ v: 1, at: clock(), type: 'invalid-anomaly', error, partition: record.partition, offset: record.offset, sample: invalidRecordSample(record) }) },
      ]),
    commit: (positions) => commit(positions),
  });

  registerSilenceApi(http, {
    store: silences,
    save: (silence) => silenceSync.save(silence),
    remove: (id) => silenceSync.remove(id),
    adminTokens,
    limiter: new TokenBucketLimiter({ ratePerSecond: config.silenceApiRatePerMinute / 60, burst: Math.max(5, Math.ceil(config.silenceApiRatePerMinute / 6)) }),
    clock,
    logger,
  });

  let consuming = false;
  const consumer = transport.consumer({
    groupId: config.consumerGroup,
    groupSetting: alerterSchema.consumerGroup.env,
    topics: [topics.anomalies],
    fromBeginning: true,
    // A batch returns once its notifications are queued; the flow commits when they are done.
    commit: 'manual',
    onRevoke: (revoked) => flow.revoked(partitionsOf(revoked, topics.anomalies)),
    onAssign: (assignment) => flow.assigned(partitionsOf(assignment, topics.anomalies)),
    eachBatch: (batch) => flow.handleBatch(batch.records),
  });
  commit = (positions) => consumer.commit(positions);
  http.addReadinessCheck('alerter', () => (consuming ? consumer.problem() ?? true : 'alerter consumer not running'));
  await consumer.start();
  consuming = true;
  const ticker = setInterval(() => {
    flow.tick().catch((error: unknown) => {
      metrics.error('tick');
      logger.error({ err: error }, 'alerter tick failed; will retry on the next tick');
    });
    silenceSync.tombstoneExpired(clock()).catch((error: unknown) => {
      metrics.error('silence-expiry');
      logger.warn({ err: error }, 'could not tombstone expired silences on silences.v1; will retry on the next tick');
    });
  }, runtime.tickMs ?? 1000);

  logger.info({ channels: [...notifiers.keys()] }, 'alerter started');
  return {
    async stop() {
      clearInterval(ticker);
      stopFollowingTokens();
      // On Kafka, no retries on the way out: what is not delivered by then stays uncommitted, so
      // the next start (of this or another instance) delivers it; stop waits at most for attempts
      // under way. The embedded mode keeps nothing across a restart, so what is queued or waiting
      // for a retry gets VIGIL_NOTIFY_TIMEOUT_SECONDS to go out first.
      await pipeline.stop(embedded ? config.notifyTimeoutSeconds * 1000 : 0);
      await flow.drain();
      consuming = false;
      await consumer.stop();
      await flow.drain();
      logUndelivered(logger, pipeline.undelivered(), embedded);
      if (embedded) logLostSilences(logger, silences.active(clock()));
      await silenceSync.stop();
      await Promise.all([...notifiers.values()].map((n) => n.close?.()));
      await producer.close();
    },
    describe() {
      const channels = notifiers.size === 0 ? 'none configured (set VIGIL_SLACK_WEBHOOK_URL, VIGIL_SMTP_URL, ...)' : [...notifiers.keys()].join(', ');
      return [
        `consuming ${topics.anomalies} as group ${config.consumerGroup}`,
        `channels: ${channels}`,
        `silence API: ${SILENCES_PATH} (${adminTokens.length === 0 ? 'disabled: set VIGIL_ADMIN_TOKENS' : embedded ? 'admin token required; its silences last until Vigil stops, VIGIL_SILENCES across restarts' : 'admin token required'})`,
        `silences active: ${silences.active(clock()).length}; open alerts: ${dispatcher.activeGroups()} (of partitions ${ownership.ownedPartitions().join(',') || 'not assigned yet'})`,
      ];
    },
  };
}
