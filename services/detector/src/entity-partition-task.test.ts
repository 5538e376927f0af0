import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_CONFIG, partialAggregates } from '@vigil/detection';
import type { IncomingRecord } from '@vigil/transport';
import { EntityPartitionTask } from './entity-partition-task';
import { encodeRepartitionMessage, type RepartitionMessage } from './repartition-message';
import { scenarioTraffic } from './traffic-fixture';

function records(messages: ReadonlyArray<RepartitionMessage | string>): IncomingRecord[] {
  return messages.map((message, offset) => ({
    topic: 'repartition',
    partition: 0,
    offset: String(offset),
    key: null,
    value: Buffer.from(typeof message === 'string' ? message : encodeRepartitionMessage(message)),
    headers: {},
    timestamp: 0,
  }));
}

const partials = partialAggregates(scenarioTraffic(0, 1), ['service'], DEFAULT_DETECTION_CONFIG.bucketSeconds);

function message(source: number, through: string, watermark: number | null, withPartials = true): RepartitionMessage {
  return { v: 1, source, through, watermark, partials: withPartials ? partials : [] };
}

describe('EntityPartitionTask', () => {
  it('applies a source message repeated after a restart only once', () => {
    const task = new EntityPartitionTask(0, DEFAULT_DETECTION_CONFIG, 1);
    const result = task.ingest(records([message(0, '9', null), message(0, '9', null), message(0, '12', null)]));
    expect(result.partials).toBe(2 * partials.length);
  });

  it('waits for every source and then follows the slowest one', () => {
    const task = new EntityPartitionTask(0, DEFAULT_DETECTION_CONFIG, 2);
    task.ingest(records([message(0, '1', 50_000, false)]));
    expect(task.watermark()).toBeUndefined();
    task.ingest(records([message(0, '1', 50_000, false), message(1, '4', 30_000, false)]));
    expect(task.watermark()).toBe(30_000);
  });

  it('counts a malformed record as rejected and keeps going', () => {
    const task = new EntityPartitionTask(0, DEFAULT_DETECTION_CONFIG, 1);
    const result = task.ingest(records(['{"v":1,"source":"x"}', 'not json', message(0, '3', null)]));
    expect(result.rejected).toBe(2);
    expect(result.partials).toBe(partials.length);
    expect(task.nextOffset).toBe('3');
  });
});
