// One repartition.v1 partition: the IPs (of API-key clients), routes and services it owns, fed
// with partial aggregates from every events.v1 partition. Its watermark is the slowest source's,
// so a bucket is scored only once every source has shipped its share; a message repeated after a
// source's restart is recognized by its offset and skipped.

import type { Anomaly } from '@vigil/contract';
import { DetectionEngine, type DetectionConfig } from '@vigil/detection';
import type { IncomingRecord } from '@vigil/transport';
import type { Checkpoint, Outbox, SourceProgressState } from './checkpoint-codec';
import { decodeRepartitionMessage } from './repartition-message';

interface SourceProgress {
  through: bigint;
  watermark: number | null;
}

export class EntityPartitionTask {
  readonly engine: DetectionEngine;
  nextOffset: string;
  private readonly sources = new Map<number, SourceProgress>();

  constructor(
    readonly partition: number,
    config: DetectionConfig,
    /** Partitions of events.v1: the sources whose watermarks must all be known. */
    private readonly sourceCount: number,
    checkpoint?: Checkpoint,
  ) {
    this.engine = new DetectionEngine(config, checkpoint?.engine);
    this.nextOffset = checkpoint?.nextOffset ?? '0';
    for (const { source, through, watermark } of checkpoint?.sources ?? []) {
      this.sources.set(source, { through: BigInt(through), watermark });
    }
  }

  /** Applies a batch of repartition records; returns what to publish and how many were invalid. */
  ingest(records: readonly IncomingRecord[]): { outbox: Outbox; partials: number; rejected: number } {
    let rejected = 0;
    let partials = 0;
    const next = BigInt(this.nextOffset);
    for (const record of records) {
      const offset = BigInt(record.offset);
      if (offset < next) continue;
      this.nextOffset = (offset + 1n).toString();
      let message;
      try {
        message = decodeRepartitionMessage(record.value);
      } catch {
        rejected++;
        continue;
      }
      const progress = this.sources.get(message.source) ?? { through: -1n, watermark: null };
      const through = BigInt(message.through);
      if (message.partials.length > 0 && through > progress.through) {
        for (const { entity, bucketStart, partial } of message.partials) this.engine.observePartial(entity, bucketStart, partial);
        partials += message.partials.length;
        progress.through = through;
      }
      if (message.watermark !== null && (progress.watermark === null || message.watermark > progress.watermark)) {
        progress.watermark = message.watermark;
      }
      this.sources.set(message.source, progress);
    }
    const watermark = this.watermark();
    const anomalies: Anomaly[] = watermark === undefined ? [] : this.engine.advanceTo(watermark);
    return { outbox: { anomalies, repartition: [] }, partials, rejected };
  }

  /** The slowest source's watermark, once every source has told its own. */
  watermark(): number | undefined {
    if (this.sources.size < this.sourceCount) return undefined;
    let slowest = Infinity;
    for (const { watermark } of this.sources.values()) {
      if (watermark === null) return undefined;
      slowest = Math.min(slowest, watermark);
    }
    return slowest;
  }

  checkpoint(outbox: Outbox): Checkpoint {
    const sources: SourceProgressState[] = [...this.sources].map(([source, { through, watermark }]) => ({
      source,
      through: through.toString(),
      watermark,
    }));
    return {
      v: 1,
      input: 'repartition',
      partition: this.partition,
      nextOffset: this.nextOffset,
      engine: this.engine.snapshot(),
      maxEventTime: null,
      sources,
      outbox,
    };
  }
}
