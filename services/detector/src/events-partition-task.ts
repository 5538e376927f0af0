// One events.v1 partition: the state of the clients keyed to it (partition-local, as the events
// are keyed by client), and the partial aggregates of every other entity (IP of an API-key
// client, route, service) cut per batch for the repartition.v1 partition that owns the entity.

import { ENCODING_HEADER, decodeEvents, type Anomaly, type ApiAccessEvent, type EntityKind } from '@vigil/contract';
import { DetectionEngine, partialAggregates, type DetectionConfig, type PartialAggregate } from '@vigil/detection';
import type { IncomingRecord } from '@vigil/transport';
import type { Checkpoint, Outbox } from './checkpoint-codec';
import { repartitionKey, type RepartitionMessage } from './repartition-message';

const LOCAL_KINDS: readonly EntityKind[] = ['client'];
const REPARTITIONED_KINDS: readonly EntityKind[] = ['ip', 'route', 'service'];

export interface TaskTopology {
  repartitionCount: number;
  partitionFor(key: string, partitionCount: number): number;
}

export function emptyOutbox(): Outbox {
  return { anomalies: [], repartition: [] };
}

function previousOffset(nextOffset: string): string {
  return (BigInt(nextOffset) - 1n).toString();
}

export class EventsPartitionTask {
  readonly engine: DetectionEngine;
  nextOffset: string;
  /** The watermark last sent to the repartition partitions (not checkpointed: sending it again is harmless). */
  private sentWatermark: number | undefined;
  private readonly bucketMs: number;

  constructor(
    readonly partition: number,
    private readonly config: DetectionConfig,
    private readonly topology: TaskTopology,
    checkpoint?: Checkpoint,
  ) {
    this.engine = new DetectionEngine(config, checkpoint?.engine);
    this.nextOffset = checkpoint?.nextOffset ?? '0';
    this.bucketMs = config.bucketSeconds * 1000;
  }

  /**
   * Counts a batch's events (skipping records the state already holds); partials are shipped by
   * advance(). `enough`, asked after each record, ends the step early: `taken` says how many
   * records it went through, and the caller hands the rest to a later step.
   */
  ingest(
    records: readonly IncomingRecord[],
    enough: () => boolean = () => false,
  ): { events: ApiAccessEvent[]; rejected: number; through: string | undefined; taken: number } {
    const events: ApiAccessEvent[] = [];
    let rejected = 0;
    let through: string | undefined;
    let taken = 0;
    const next = BigInt(this.nextOffset);
    for (const record of records) {
      taken++;
      if (BigInt(record.offset) < next) continue;
      through = record.offset;
      try {
        const decoded = decodeEvents(record.value, record.headers[ENCODING_HEADER]);
        this.engine.observeAll(decoded, LOCAL_KINDS);
        for (const event of decoded) events.push(event);
      } catch {
        rejected++;
      }
      if (enough()) break;
    }
    if (through !== undefined) this.nextOffset = (BigInt(through) + 1n).toString();
    return { events, rejected, through, taken };
  }

  /**
   * Moves the partition to `watermark`: scores the client buckets it closes and addresses the
   * batch's partials (if any) and the watermark to the repartition partitions. `bucketClosed`: the
   * watermark crossed a bucket boundary, so the owners can score (worth sending at once).
   */
  advance(watermark: number | undefined, events: readonly ApiAccessEvent[] = []): { outbox: Outbox; bucketClosed: boolean } {
    const partials = partialAggregates(events, REPARTITIONED_KINDS, this.config.bucketSeconds);
    const anomalies: Anomaly[] = watermark === undefined ? [] : this.engine.advanceTo(watermark);
    // Owners only act on whole buckets, so a watermark is worth sending once it crosses one.
    const moved =
      watermark !== undefined &&
      (this.sentWatermark === undefined || Math.floor(watermark / this.bucketMs) > Math.floor(this.sentWatermark / this.bucketMs));
    if (moved) this.sentWatermark = watermark;
    const repartition = partials.length > 0 || moved ? this.address(partials, watermark) : [];
    return { outbox: { anomalies, repartition }, bucketClosed: moved };
  }

  private address(partials: readonly PartialAggregate[], watermark: number | undefined): Outbox['repartition'] {
    const { repartitionCount, partitionFor } = this.topology;
    const byPartition: PartialAggregate[][] = Array.from({ length: repartitionCount }, () => []);
    for (const partial of partials) byPartition[partitionFor(repartitionKey(partial), repartitionCount)]!.push(partial);
    return byPartition.map((forPartition, partition) => {
      const message: RepartitionMessage = {
        v: 1,
        source: this.partition,
        through: previousOffset(this.nextOffset),
        watermark: watermark ?? null,
        partials: forPartition,
      };
      return { partition, message };
    });
  }

  checkpoint(outbox: Outbox, maxEventTime: number | undefined): Checkpoint {
    return {
      v: 1,
      input: 'events',
      partition: this.partition,
      nextOffset: this.nextOffset,
      engine: this.engine.snapshot(),
      maxEventTime: maxEventTime ?? null,
      sources: [],
      outbox,
    };
  }
}
