// The detector's stream loop around the pure engine: one task per owned input partition, whose
// outputs are published only once a checkpoint holds them (a write-ahead outbox) and whose input
// offsets are committed only as far as a checkpoint covers, so a crash at any point neither loses
// an anomaly nor double-counts an event:
//   ingest → advance → (pending) … checkpoint (state, next offset, outbox) → publish outbox → commit offsets.
// Checkpoints cost Kafka round trips, so a task takes one at most every checkpoint interval
// (at once for anomalies and closed buckets; see CheckpointSchedule) and the steps in between
// only add to its pending outbox; the consumer commits manually, what a checkpoint covers.
// A crash before the checkpoint replays the input from the last one (the consumer rewinds to the
// last commit); a crash after it republishes the outbox on restore (repartition messages are
// skipped by their offsets, anomalies already on anomalies.v1 are not sent again) and skips the
// records the state holds.
// Traces: each partition remembers the traces of the records it consumed; the step that publishes
// anomalies continues the oldest sampled one in a detector.score span (linking the others) and
// carries it to anomalies.v1, and repartition messages carry the newest on to their owners.

import { setTimeout as sleep } from 'node:timers/promises';
import { VigilError, isVigilError } from '@vigil/contract';
import type { DetectionConfig } from '@vigil/detection';
import { InputTraces, startSpan, traceHeaders, type Gauge, type Logger, type PipelineMetrics, type Telemetry } from '@vigil/telemetry';
import type { CommitPosition, IncomingRecord, PartitionAssignment, Producer, RecordBatch, Transport } from '@vigil/transport';
import type { AnomalyPublisher } from './anomaly-publisher';
import {
  checkpointKey,
  decodeCheckpoint,
  encodeCheckpoint,
  latestByKey,
  type Checkpoint,
  type InputRole,
  type Outbox,
} from './checkpoint-codec';
import { CheckpointSchedule } from './checkpoint-schedule';
import { EntityPartitionTask } from './entity-partition-task';
import { EventsPartitionTask, emptyOutbox } from './events-partition-task';
import { encodeRepartitionMessage } from './repartition-message';
import type { SourceWatermarks } from './source-watermarks';

export interface DetectorTopics {
  events: string;
  repartition: string;
  state: string;
  anomalies: string;
}

export interface DetectorMetrics {
  pipeline: PipelineMetrics;
  entities: Gauge;
  evicted: Gauge;
}

export interface DetectorRuntimeDeps {
  transport: Transport;
  producer: Producer;
  publisher: AnomalyPublisher;
  logger: Logger;
  metrics: DetectorMetrics;
  topics: DetectorTopics;
  groupId: string;
  /** Engine settings for one partition's task (its share of the entity cap). */
  config: DetectionConfig;
  partitionCounts: { events: number; repartition: number };
  /** Write checkpoints (off on the in-process transport, which keeps every record and survives nothing). */
  checkpoints: boolean;
  /** Longest a task goes without a checkpoint, ms (0: after every step). Without checkpoints, outputs go out at once. */
  checkpointIntervalMs: number;
  /** The consumer's manual commit: the input positions a durable checkpoint covers. */
  commit(positions: readonly CommitPosition[]): Promise<void>;
  watermarks: SourceWatermarks;
  clock: () => number;
  tracer: Telemetry['tracer'];
  /**
   * Longest an events batch is worked on before the event loop gets a turn, in ms of elapsed time
   * (performance.now; 0: a turn after every record). A batch is up to 4 MiB on Kafka and 1,000
   * records (200,000 events) in one process; taken whole it held the loop for seconds, and
   * /healthz, /metrics and ingest with it.
   */
  sliceMs: number;
}

type Task = EventsPartitionTask | EntityPartitionTask;

const RESTORE_ATTEMPTS = 8;
const RESTORE_RETRY_FIRST_MS = 100;
const RESTORE_RETRY_MAX_MS = 2000;

function isEmpty(outbox: Outbox): boolean {
  return outbox.anomalies.length === 0 && outbox.repartition.length === 0;
}

function roleOf(task: Task): InputRole {
  return task instanceof EventsPartitionTask ? 'events' : 'repartition';
}

function newestTime(events: ReadonlyArray<{ time: number }>): number | undefined {
  let newest: number | undefined;
  for (const { time } of events) if (newest === undefined || time > newest) newest = time;
  return newest;
}

export class DetectorRuntime {
  private readonly eventsTasks = new Map<number, EventsPartitionTask>();
  private readonly entityTasks = new Map<number, EntityPartitionTask>();
  private readonly generations = new Map<string, number>();
  /** Per input partition (`role/partition`): traces consumed since anomalies last went out. */
  private readonly inputTraces = new Map<string, InputTraces>();
  /** Per input partition with a task (`role/partition`): its pending outbox and when it checkpoints next. */
  private readonly schedules = new Map<string, CheckpointSchedule>();
  /**
   * Input partitions (`role/partition`) whose task was dropped outside a batch (a failed checkpoint
   * in a tick): the consumer has moved past the last commit, so their next batch is refused to make
   * it rewind there, where the restored state resumes.
   */
  private readonly mustRewind = new Set<string>();
  /** Commits in flight; not awaited by steps (a failed one is made up for by the next), but by drain. */
  private commits: Promise<void> = Promise.resolve();
  private owned: { events: ReadonlySet<number>; repartition: ReadonlySet<number> } = { events: new Set(), repartition: new Set() };
  /** Every step, tick and rebalance runs alone: tasks are not safe to interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  /** The tick queued or running, which further tick() calls join. */
  private pendingTick: Promise<void> | undefined;
  /** Set once the first assignment's state is restored; the partitions may still be none. */
  private assignmentDone = false;

  constructor(private readonly deps: DetectorRuntimeDeps) {}

  /** Ready to detect: an assignment was taken in and it holds at least one input partition. */
  get ownsPartitions(): boolean {
    return this.assignmentDone && this.owned.events.size + this.owned.repartition.size > 0;
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  onAssign(assignment: readonly PartitionAssignment[]): Promise<void> {
    return this.serialize(async () => {
      const owned = (topic: string) => new Set(assignment.filter((a) => a.topic === topic).flatMap((a) => a.partitions));
      this.owned = { events: owned(this.deps.topics.events), repartition: owned(this.deps.topics.repartition) };
      for (const partition of this.eventsTasks.keys()) if (!this.owned.events.has(partition)) this.release('events', partition);
      for (const partition of this.entityTasks.keys()) if (!this.owned.repartition.has(partition)) this.release('repartition', partition);
      // A new generation starts every partition at its committed offset anyway.
      this.mustRewind.clear();
      await this.restoreOwned(RESTORE_ATTEMPTS);
      this.assignmentDone = true;
      this.deps.logger.info({ events: [...this.owned.events], repartition: [...this.owned.repartition] }, 'detector partitions assigned');
    });
  }

  /**
   * Restores every owned partition without a task, retrying while Kafka says try again (a new
   * topic's leader may not be known yet). What still fails is retried by the next tick or batch.
   */
  private async restoreOwned(attempts: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const missing = [
        ...[...this.owned.events].filter((p) => !this.eventsTasks.has(p)).map((p) => ['events', p] as const),
        ...[...this.owned.repartition].filter((p) => !this.entityTasks.has(p)).map((p) => ['repartition', p] as const),
      ];
      try {
        await this.restore(missing);
        return;
      } catch (error) {
        const retryable = isVigilError(error) && error.retryable;
        this.deps.logger.warn({ err: error, attempt }, 'restoring detector state failed');
        if (!retryable || attempt >= attempts) return;
        await sleep(Math.min(RESTORE_RETRY_MAX_MS, RESTORE_RETRY_FIRST_MS * 2 ** (attempt - 1)));
      }
    }
  }

  handleBatch(batch: RecordBatch): Promise<void> {
    return this.serialize(async () => {
      const role: InputRole = batch.topic === this.deps.topics.events ? 'events' : 'repartition';
      if (this.mustRewind.delete(`${role}/${batch.partition}`)) {
        throw new VigilError('VIGIL_KAFKA_UNAVAILABLE', `${role} partition ${batch.partition} resumes from its last checkpoint after a failed one`, { retryable: true });
      }
      try {
        if (role === 'events') await this.eventsStep(batch.partition, batch.records);
        else await this.entityStep(batch.partition, batch.records);
      } catch (error) {
        // The task ran ahead of what is durable: forget it, so the redelivered batch starts from the checkpoint.
        this.release(role, batch.partition);
        this.deps.metrics.pipeline.error(role === 'events' ? 'events-step' : 'repartition-step');
        throw error;
      }
      this.reportGauges();
    });
  }

  /**
   * Advances idle partitions by the wall clock (see SourceWatermarks) and checkpoints the tasks that
   * are due. A call while a tick is still queued or running joins it: while Kafka is down a tick
   * takes seconds (its restore fails only after the client's retries), and ticks queued every
   * second would pile up behind it and hold drain() — so SIGTERM — for minutes.
   */
  tick(): Promise<void> {
    this.pendingTick ??= this.idleTick().finally(() => {
      this.pendingTick = undefined;
    });
    return this.pendingTick;
  }

  private idleTick(): Promise<void> {
    return this.serialize(async () => {
      // An events partition without a task sends no watermark and would hold every route back.
      await this.restoreOwned(1);
      const now = this.deps.clock();
      for (const task of [...this.eventsTasks.values(), ...this.entityTasks.values()]) {
        try {
          if (task instanceof EventsPartitionTask) {
            const { outbox, bucketClosed } = task.advance(this.deps.watermarks.watermarkOf(task.partition, now));
            await this.stepDone(task, outbox, bucketClosed);
          } else {
            await this.stepDone(task, emptyOutbox());
          }
        } catch (error) {
          // What the task did since its checkpoint is lost with it: its input must come again.
          const role = roleOf(task);
          this.release(role, task.partition);
          this.mustRewind.add(`${role}/${task.partition}`);
          this.deps.metrics.pipeline.error('checkpoint');
          this.deps.logger.warn({ err: error, role, partition: task.partition }, 'checkpoint failed; the partition resumes from its last one');
        }
      }
      this.reportGauges();
    });
  }

  /**
   * Before leaving the group: checkpoints and publishes what is pending, then checkpoints every
   * task with an empty outbox (so a restart has nothing to republish) and waits for the commits.
   */
  drain(): Promise<void> {
    return this.serialize(async () => {
      for (const task of [...this.eventsTasks.values(), ...this.entityTasks.values()]) {
        await this.checkpointAndPublish(task);
        await this.writeCheckpoint(task, this.checkpointOf(task, emptyOutbox()));
      }
      await this.commits;
    });
  }

  /** An events batch in slices of at most sliceMs each, with a turn of the event loop between them. */
  private async eventsStep(partition: number, records: readonly IncomingRecord[]): Promise<void> {
    for (let from = 0; from < records.length; ) {
      if (from > 0) await new Promise((resolve) => setImmediate(resolve));
      const sliceEnds = performance.now() + this.deps.sliceMs;
      const taken = await this.eventsSlice(partition, from === 0 ? records : records.slice(from), () => performance.now() >= sliceEnds);
      if (taken === undefined) return;
      from += taken;
    }
  }

  /** One slice of an events batch: the records it went through, or undefined when the partition has no task. */
  private async eventsSlice(partition: number, records: readonly IncomingRecord[], enough: () => boolean): Promise<number | undefined> {
    const task = this.eventsTasks.get(partition) ?? (await this.restoreOne('events', partition));
    if (!(task instanceof EventsPartitionTask)) return undefined;
    const lateBefore = task.engine.stats().lateEvents;
    const { events, rejected, through, taken } = task.ingest(records, enough);
    this.tracesOf('events', partition).note(records.slice(0, taken));
    const { pipeline } = this.deps.metrics;
    if (rejected > 0) pipeline.rejected(rejected, 'invalid_envelope', { topic: 'events' });
    if (through === undefined) return taken;
    pipeline.received(events.length);
    const now = this.deps.clock();
    this.deps.watermarks.arrived(partition, newestTime(events), now);
    const { outbox, bucketClosed } = task.advance(this.deps.watermarks.watermarkOf(partition, now), events);
    const late = task.engine.stats().lateEvents - lateBefore;
    if (late > 0) pipeline.discarded(late, 'late');
    await this.stepDone(task, outbox, bucketClosed);
    return taken;
  }

  private async entityStep(partition: number, records: readonly IncomingRecord[]): Promise<void> {
    const task = this.entityTasks.get(partition) ?? (await this.restoreOne('repartition', partition));
    if (!(task instanceof EntityPartitionTask)) return;
    this.tracesOf('repartition', partition).note(records);
    const before = task.nextOffset;
    const { outbox, rejected } = task.ingest(records);
    if (rejected > 0) this.deps.metrics.pipeline.rejected(rejected, 'invalid_envelope', { topic: 'repartition' });
    if (task.nextOffset === before) return;
    await this.stepDone(task, outbox);
  }

  /** Adds a step's outputs to the task's pending outbox and checkpoints if that is due. */
  private async stepDone(task: Task, outbox: Outbox, urgent = false): Promise<void> {
    const schedule = this.scheduleOf(task);
    schedule.add(outbox);
    const due = !this.deps.checkpoints || schedule.isDue(this.deps.clock(), task.nextOffset, urgent);
    if (due) await this.checkpointAndPublish(task);
  }

  /**
   * Checkpoint with the pending outbox first; once it is durable, publish the outbox, then commit
   * the input it covers. The commit is not awaited (nothing depends on it but the next start), and
   * it comes after the publish: when publishing fails, the input since the last commit comes
   * again, and with it the restore that republishes this outbox.
   */
  private async checkpointAndPublish(task: Task): Promise<void> {
    const schedule = this.scheduleOf(task);
    if (schedule.isCurrent(task.nextOffset)) return;
    const outbox = schedule.pending;
    const checkpoint = this.checkpointOf(task, outbox);
    await this.writeCheckpoint(task, checkpoint);
    schedule.checkpointed(this.deps.clock(), checkpoint.nextOffset);
    const role = roleOf(task);
    if (!isEmpty(outbox)) await this.publish(outbox, this.tracesOf(role, task.partition));
    const topic = role === 'events' ? this.deps.topics.events : this.deps.topics.repartition;
    const commit = this.deps.commit([{ topic, partition: task.partition, offset: checkpoint.nextOffset }]).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, role, partition: task.partition }, 'offset commit failed; the next checkpoint commits further');
    });
    this.commits = this.commits.then(() => commit);
  }

  private scheduleOf(task: Task): CheckpointSchedule {
    const key = `${roleOf(task)}/${task.partition}`;
    const schedule = this.schedules.get(key);
    // restore() creates both together, and release() drops both.
    if (schedule === undefined) throw new Error(`detector task ${key} has no checkpoint schedule`);
    return schedule;
  }

  private tracesOf(role: InputRole, partition: number): InputTraces {
    const key = `${role}/${partition}`;
    let traces = this.inputTraces.get(key);
    if (traces === undefined) this.inputTraces.set(key, (traces = new InputTraces()));
    return traces;
  }

  private checkpointOf(task: Task, outbox: Outbox): Checkpoint {
    return task instanceof EventsPartitionTask
      ? task.checkpoint(outbox, this.deps.watermarks.maxEventTime(task.partition))
      : task.checkpoint(outbox);
  }

  private async writeCheckpoint(task: Task, checkpoint: Checkpoint): Promise<void> {
    if (!this.deps.checkpoints) return;
    const head = checkpointKey(this.deps.groupId, checkpoint.input, task.partition);
    const generation = (this.generations.get(head) ?? 0) + 1;
    for (const record of encodeCheckpoint(head, checkpoint, generation)) await this.deps.producer.send(this.deps.topics.state, [record]);
    this.generations.set(head, generation);
  }

  /** `traces`: the inputs behind this outbox (none for a republished one). */
  private async publish(outbox: Outbox, traces?: InputTraces): Promise<void> {
    // Neither waits for the other: both come from a checkpoint that is already durable.
    await Promise.all([this.sendRepartition(outbox, traces), this.sendAnomalies(outbox, traces)]);
  }

  private async sendRepartition(outbox: Outbox, traces?: InputTraces): Promise<void> {
    if (outbox.repartition.length === 0) return;
    const headers = traces?.newestHeaders() ?? {};
    await this.deps.producer.send(
      this.deps.topics.repartition,
      outbox.repartition.map(({ partition, message }) => ({ key: null, partition, value: encodeRepartitionMessage(message), headers })),
    );
  }

  private async sendAnomalies(outbox: Outbox, traces?: InputTraces): Promise<void> {
    if (outbox.anomalies.length === 0) return;
    const span = startSpan(this.deps.tracer, 'detector.score', { kind: 'producer', ...traces?.take(), attributes: { 'vigil.anomalies': outbox.anomalies.length } });
    const { sent, invalid } = await this.deps.publisher.publish(outbox.anomalies, traceHeaders(span.context)).then(
      (published) => {
        span.end();
        return published;
      },
      (error: unknown) => {
        span.end(error);
        throw error;
      },
    );
    this.deps.metrics.pipeline.sent(sent);
    for (const { anomaly, error } of invalid) {
      this.deps.metrics.pipeline.error('validate-anomaly');
      this.deps.logger.error({ err: error, detector: anomaly.detector, id: anomaly.id }, 'engine produced an invalid anomaly; not published');
    }
  }

  /**
   * Publishes the outboxes of restored checkpoints again: repartition messages as they are (their
   * owners skip repeats), anomalies only when anomalies.v1 does not hold them yet.
   */
  private async republish(outboxes: readonly Outbox[]): Promise<void> {
    const anomalies = await this.deps.publisher.unpublished(outboxes.flatMap((outbox) => outbox.anomalies));
    await this.publish({ anomalies, repartition: outboxes.flatMap((outbox) => outbox.repartition) });
  }

  private async restoreOne(role: InputRole, partition: number): Promise<Task | undefined> {
    await this.restore([[role, partition]]);
    return role === 'events' ? this.eventsTasks.get(partition) : this.entityTasks.get(partition);
  }

  private async restore(wanted: ReadonlyArray<readonly [InputRole, number]>): Promise<void> {
    if (wanted.length === 0) return;
    const latest = latestByKey(await this.deps.transport.readAll(this.deps.topics.state));
    const now = this.deps.clock();
    const outboxes: Outbox[] = [];
    for (const [role, partition] of wanted) {
      const head = checkpointKey(this.deps.groupId, role, partition);
      let restored: ReturnType<typeof decodeCheckpoint>;
      try {
        restored = decodeCheckpoint(head, latest);
      } catch (error) {
        if (!isVigilError(error, 'VIGIL_STATE_INVALID')) throw error;
        // A checkpoint no one can read must not stop detection for good: start that partition afresh, loudly.
        this.deps.metrics.pipeline.error('restore');
        this.deps.logger.error({ err: error, checkpoint: head }, 'checkpoint unreadable; this partition starts without its baselines');
        restored = undefined;
      }
      const checkpoint = restored?.checkpoint;
      this.generations.set(head, restored?.generation ?? 0);
      this.schedules.set(`${role}/${partition}`, new CheckpointSchedule(this.deps.checkpointIntervalMs, now, checkpoint?.nextOffset ?? '0'));
      if (role === 'events') {
        const topology = { repartitionCount: this.deps.partitionCounts.repartition, partitionFor: (key: string, count: number) => this.deps.transport.partitionFor(key, count) };
        this.eventsTasks.set(partition, new EventsPartitionTask(partition, this.deps.config, topology, checkpoint));
        this.deps.watermarks.assign(partition, checkpoint?.maxEventTime ?? undefined, now);
      } else {
        this.entityTasks.set(partition, new EntityPartitionTask(partition, this.deps.config, this.deps.partitionCounts.events, checkpoint));
      }
      if (checkpoint !== undefined) {
        this.deps.logger.info({ checkpoint: head, nextOffset: checkpoint.nextOffset, entities: this.entitiesOf(role, partition) }, 'restored detector state');
        outboxes.push(checkpoint.outbox);
      }
    }
    try {
      await this.republish(outboxes);
    } catch (error) {
      // Not republished means not restored: the next attempt must find these partitions missing.
      for (const [role, partition] of wanted) this.release(role, partition);
      throw error;
    }
  }

  private entitiesOf(role: InputRole, partition: number): number {
    const task = role === 'events' ? this.eventsTasks.get(partition) : this.entityTasks.get(partition);
    return task?.engine.stats().entities ?? 0;
  }

  private release(role: InputRole, partition: number): void {
    this.inputTraces.delete(`${role}/${partition}`);
    this.schedules.delete(`${role}/${partition}`);
    if (role === 'events') {
      this.eventsTasks.delete(partition);
      this.deps.watermarks.release(partition);
    } else {
      this.entityTasks.delete(partition);
    }
  }

  private reportGauges(): void {
    let entities = 0;
    let evicted = 0;
    for (const task of [...this.eventsTasks.values(), ...this.entityTasks.values()]) {
      const stats = task.engine.stats();
      entities += stats.entities;
      evicted += stats.evictedEntities;
    }
    this.deps.metrics.entities.set(entities);
    this.deps.metrics.evicted.set(evicted);
  }
}
