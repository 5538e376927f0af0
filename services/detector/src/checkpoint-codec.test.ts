import { describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/contract';
import { DEFAULT_DETECTION_CONFIG, DetectionEngine } from '@vigil/detection';
import type { IncomingRecord, OutgoingRecord } from '@vigil/transport';
import { checkpointKey, decodeCheckpoint, encodeCheckpoint, latestByKey, type Checkpoint } from './checkpoint-codec';

const HEAD = checkpointKey('vigil-detector', 'events', 2);

function checkpoint(nextOffset: string, filler = ''): Checkpoint {
  return {
    v: 1,
    input: 'events',
    partition: 2,
    nextOffset,
    engine: new DetectionEngine(DEFAULT_DETECTION_CONFIG).snapshot(),
    maxEventTime: 1234,
    sources: [],
    outbox: { anomalies: [], repartition: [] },
    ...(filler === '' ? {} : { filler }),
  } as Checkpoint;
}

/** Appends records to a log the way the state topic would hold them. */
function written(records: readonly OutgoingRecord[], log: IncomingRecord[] = []): IncomingRecord[] {
  for (const record of records) {
    log.push({
      topic: 'state',
      partition: 0,
      offset: String(log.length),
      key: record.key,
      value: Buffer.from(record.value),
      headers: { ...record.headers },
      timestamp: 0,
    });
  }
  return log;
}

/** Random text: gzip cannot shrink it, so it needs several chunks. */
function incompressible(length: number): string {
  let text = '';
  let seed = 7;
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    text += String.fromCharCode(33 + (seed % 90));
  }
  return text;
}

describe('checkpoint codec', () => {
  it('round-trips a small checkpoint in one record', () => {
    const records = encodeCheckpoint(HEAD, checkpoint('42'), 1);
    expect(records).toHaveLength(1);
    expect(decodeCheckpoint(HEAD, latestByKey(written(records)))?.checkpoint.nextOffset).toBe('42');
  });

  it('splits a large checkpoint into chunks and reads them back', () => {
    const records = encodeCheckpoint(HEAD, checkpoint('7', incompressible(5000)), 3, 1024);
    expect(records.length).toBeGreaterThan(3);
    expect(records.at(-1)?.key).toBe(HEAD);
    const restored = decodeCheckpoint(HEAD, latestByKey(written(records)));
    expect(restored?.generation).toBe(3);
    expect((restored?.checkpoint as Checkpoint & { filler: string }).filler).toHaveLength(5000);
  });

  it('keeps the previous checkpoint readable when a crash interrupted writing the next one', () => {
    const log = written(encodeCheckpoint(HEAD, checkpoint('10', incompressible(3000)), 1, 1024));
    const next = encodeCheckpoint(HEAD, checkpoint('20', incompressible(3000)), 2, 1024);
    written(next.slice(0, -2), log); // the chunks of generation 2 began, its head never came
    expect(decodeCheckpoint(HEAD, latestByKey(log))?.checkpoint.nextOffset).toBe('10');
  });

  it('has nothing to restore for a partition never checkpointed', () => {
    expect(decodeCheckpoint(HEAD, latestByKey([]))).toBeUndefined();
  });

  it('reports a head whose chunks are gone as VIGIL_STATE_INVALID', () => {
    const records = encodeCheckpoint(HEAD, checkpoint('7', incompressible(3000)), 5, 1024);
    const error = (() => {
      try {
        decodeCheckpoint(HEAD, latestByKey(written(records.slice(1))));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(isVigilError(error, 'VIGIL_STATE_INVALID')).toBe(true);
  });
});
