import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_CONFIG, partialAggregates } from '@vigil/detection';
import type { Anomaly } from '@vigil/contract';
import type { IncomingRecord } from '@vigil/transport';
import type { Outbox } from './checkpoint-codec';
import { CheckpointSchedule, mergeOutboxes } from './checkpoint-schedule';
import { EntityPartitionTask } from './entity-partition-task';
import { encodeRepartitionMessage, type RepartitionMessage } from './repartition-message';
import { scenarioTraffic } from './traffic-fixture';

const first = partialAggregates(scenarioTraffic(0, 1), ['service', 'route'], DEFAULT_DETECTION_CONFIG.bucketSeconds);
const second = partialAggregates(scenarioTraffic(1, 2), ['service', 'route'], DEFAULT_DETECTION_CONFIG.bucketSeconds);

function toPartition(partition: number, message: Omit<RepartitionMessage, 'v' | 'source'>): Outbox {
  return { anomalies: [], repartition: [{ partition, message: { v: 1, source: 0, ...message } }] };
}

function asRecords(outbox: Outbox): IncomingRecord[] {
  return outbox.repartition.map(({ partition, message }, offset) => ({
    topic: 'repartition',
    partition,
    offset: String(offset),
    key: null,
    value: Buffer.from(encodeRepartitionMessage(message)),
    headers: {},
    timestamp: 0,
  }));
}

const anomaly = { id: 'a' } as Anomaly;

describe('mergeOutboxes', () => {
  it('folds the messages to one repartition partition into one that an owner applies as it would the two in order', () => {
    const earlier = toPartition(1, { through: '9', watermark: 10_000, partials: first });
    const later = toPartition(1, { through: '19', watermark: null, partials: second });
    const merged = mergeOutboxes(earlier, later);
    expect(merged.repartition).toHaveLength(1);
    expect(merged.repartition[0]!.message).toMatchObject({ through: '19', watermark: 10_000 });

    const oneByOne = new EntityPartitionTask(1, DEFAULT_DETECTION_CONFIG, 1);
    oneByOne.ingest(asRecords(earlier));
    oneByOne.ingest(asRecords(later).map((record) => ({ ...record, offset: '1' })));
    const folded = new EntityPartitionTask(1, DEFAULT_DETECTION_CONFIG, 1);
    folded.ingest(asRecords(merged));
    expect(folded.engine.snapshot()).toEqual(oneByOne.engine.snapshot());
  });

  it('keeps messages to different partitions apart and every anomaly in order', () => {
    const merged = mergeOutboxes(
      { ...toPartition(0, { through: '9', watermark: 1, partials: first }), anomalies: [anomaly] },
      { ...toPartition(2, { through: '19', watermark: 2, partials: second }), anomalies: [{ id: 'b' } as Anomaly] },
    );
    expect(merged.repartition.map((entry) => entry.partition)).toEqual([0, 2]);
    expect(merged.anomalies.map((a) => a.id)).toEqual(['a', 'b']);
  });
});

describe('CheckpointSchedule', () => {
  const quiet: Outbox = { anomalies: [], repartition: [] };

  it('holds input and outputs back until the interval is over', () => {
    const schedule = new CheckpointSchedule(1000, 0, '10');
    schedule.add(toPartition(0, { through: '19', watermark: 1, partials: first }));
    expect(schedule.isDue(999, '20')).toBe(false);
    expect(schedule.isDue(1000, '20')).toBe(true);
    schedule.checkpointed(1000, '20');
    expect(schedule.pending).toEqual(quiet);
    expect(schedule.isDue(5000, '20')).toBe(false);
    expect(schedule.isDue(5000, '21')).toBe(true);
  });

  it('checkpoints at once for anomalies or a closed bucket, and after every step with an interval of 0', () => {
    const schedule = new CheckpointSchedule(1000, 0, '10');
    expect(schedule.isDue(1, '11', true)).toBe(true);
    schedule.add({ anomalies: [anomaly], repartition: [] });
    expect(schedule.isDue(1, '10')).toBe(true);
    expect(new CheckpointSchedule(0, 0, '10').isDue(0, '11')).toBe(true);
    expect(new CheckpointSchedule(0, 0, '10').isDue(0, '10')).toBe(false);
  });
});
