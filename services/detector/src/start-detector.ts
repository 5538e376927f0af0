// Wires the detector service: config, topics, the consumer group over events.v1 and
// repartition.v1, the idle-advance ticker, readiness and metrics.

import { loadConfig, type Env } from '@vigil/config';
import { DETECTOR_NAMES, detectionConfigFromEnv } from '@vigil/detection';
import type { VigilHttpServer } from '@vigil/http';
import type { Logger, Telemetry } from '@vigil/telemetry';
import type { Transport } from '@vigil/transport';
import { AnomalyPublisher } from './anomaly-publisher';
import { DetectorRuntime, type DetectorTopics } from './detector-runtime';
import { detectorServiceSchema } from './service-config';
import { SourceWatermarks } from './source-watermarks';
import { COMPONENT_METRICS } from '@vigil/telemetry';
import type { RunningService, ServiceDeps } from '@vigil/service';

/** Knobs for tests and embedding; production uses the defaults. */
export interface DetectorRuntimeOptions {
  /** Wall clock for the idle advance, epoch ms. Default Date.now. */
  clock?: () => number;
  /** How often idle partitions are checked. Default 1000 ms; 0 turns the timer off (call tick()). */
  tickMs?: number;
  /**
   * Checkpoint to detector-state.v1. Default: only on Kafka — the in-process transport keeps every
   * record (no compaction) and nothing survives the process, so checkpoints there would only grow.
   */
  checkpoints?: boolean;
  /** Longest an events batch holds the event loop before other work gets a turn. Default 10 ms. */
  sliceMs?: number;
}

/**
 * A turn for the event loop every 10 ms of a batch: /healthz, /metrics and ingest (in the embedded
 * mode) wait at most that long, and a batch costs a few more, smaller repartition messages.
 */
const DEFAULT_SLICE_MS = 10;

/**
 * Fetch sizes of the detector's consumer: events.v1 records are up to ~900 KB (the collector's
 * VIGIL_MAX_RECORD_BYTES), so kafkajs's 1 MiB per partition gave ~3,000-event batches; a backlog
 * is taken in fewer steps with more.
 */
const FETCH_MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;
const FETCH_MAX_BYTES = 16 * 1024 * 1024;

export interface RunningDetector extends RunningService {
  /** Runs the idle check now (what the timer does every tickMs). */
  tick(): Promise<void>;
}

export async function startDetector(deps: ServiceDeps, runtime: DetectorRuntimeOptions = {}): Promise<RunningDetector> {
  const { transport, logger, telemetry, http, env } = deps;
  const service = loadConfig(detectorServiceSchema, env);
  const detection = detectionConfigFromEnv(env);
  const clock = runtime.clock ?? Date.now;
  const tickMs = runtime.tickMs ?? 1000;
  const topics: DetectorTopics = {
    events: transport.topic('events'),
    repartition: transport.topic('repartition'),
    state: transport.topic('detectorState'),
    anomalies: transport.topic('anomalies'),
  };
  const partitionCounts = {
    events: await transport.partitionCount(topics.events),
    repartition: await transport.partitionCount(topics.repartition),
  };
  // The cap is split per input partition, not per process: the same partition evicts the same
  // entities whichever instance owns it, and one process holds at most the whole cap.
  const partitionShare = Math.max(1, Math.ceil(detection.maxEntities / (partitionCounts.events + partitionCounts.repartition)));
  const producer = await transport.producer();
  const checkpoints = runtime.checkpoints ?? transport.kind === 'kafka';
  // Offsets are committed only as far as a durable checkpoint covers (the runtime says when).
  const consumer = transport.consumer({
    groupId: service.groupId,
    groupSetting: detectorServiceSchema.groupId.env,
    topics: [topics.events, topics.repartition],
    fromBeginning: true,
    commit: 'manual',
    maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
    maxBytes: FETCH_MAX_BYTES,
    eachBatch: (batch) => detectorRuntime.handleBatch(batch),
    onAssign: (assignment) => detectorRuntime.onAssign(assignment),
  });
  const detectorRuntime = new DetectorRuntime({
    transport,
    producer,
    publisher: new AnomalyPublisher(transport, producer, topics.anomalies),
    logger,
    metrics: {
      pipeline: telemetry.pipeline('detector'),
      entities: telemetry.gauge(COMPONENT_METRICS.detectorEntities.name, COMPONENT_METRICS.detectorEntities.description),
      evicted: telemetry.gauge(COMPONENT_METRICS.detectorEvicted.name, COMPONENT_METRICS.detectorEvicted.description),
    },
    topics,
    groupId: service.groupId,
    config: { ...detection, maxEntities: partitionShare },
    partitionCounts,
    checkpoints,
    checkpointIntervalMs: service.checkpointIntervalMs,
    commit: (positions) => consumer.commit(positions),
    watermarks: new SourceWatermarks({ allowanceMs: service.watermarkAllowanceSeconds * 1000, idleMs: service.idleAdvanceSeconds * 1000 }, clock()),
    clock,
    tracer: telemetry.tracer,
    sliceMs: runtime.sliceMs ?? DEFAULT_SLICE_MS,
  });

  http.addReadinessCheck(
    'detector',
    () =>
      consumer.problem() ??
      (detectorRuntime.ownsPartitions || 'detector owns no partition of its consumer group (start-up, a rebalance, or more instances than partitions)'),
  );
  await consumer.start();

  const timer =
    tickMs > 0
      ? setInterval(() => {
          detectorRuntime.tick().catch((error: unknown) => logger.error({ err: error }, 'detector idle tick failed'));
        }, tickMs)
      : undefined;
  timer?.unref();

  const checkpointLine = checkpoints
    ? `checkpoints to ${topics.state} at most every ${service.checkpointIntervalMs} ms (at once for anomalies and closed buckets)`
    : 'no checkpoints (state lasts as long as the process)';
  let stopped: Promise<void> | undefined;
  const enabled = DETECTOR_NAMES.filter((name) => detection.detectors[name].enabled);
  return {
    tick: () => detectorRuntime.tick(),
    describe: () => [
      `consumes ${topics.events} and ${topics.repartition} as consumer group ${service.groupId}`,
      `publishes anomalies to ${topics.anomalies}; ${checkpointLine}`,
      `${detection.bucketSeconds}s buckets, ${enabled.length} detectors on (${enabled.join(', ')})`,
      `at most ${detection.maxEntities} tracked entities; idle advance after ${service.idleAdvanceSeconds}s without events`,
    ],
    stop: () => {
      stopped ??= (async () => {
        if (timer !== undefined) clearInterval(timer);
        // Drained while still a member: once the group has moved our partitions on, a checkpoint
        // written from here could overwrite the new owner's.
        await detectorRuntime.drain();
        await consumer.stop();
        await producer.close();
      })();
      return stopped;
    },
  };
}
