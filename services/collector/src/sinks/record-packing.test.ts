import { describe, expect, it } from 'vitest';
import { ENCODING_HEADER, decodeEvents, type ApiAccessEvent } from '@vigil/contract';
import { packEventRecords, packRejectedRecords, splitIntoWaves, type PackingOptions } from './record-packing';

function event(clientKey: string, path = '/'): ApiAccessEvent {
  return {
    v: 1,
    time: 1_700_000_000_000,
    gateway: 'nginx',
    service: 'api',
    client: { ip: '203.0.113.1', key: clientKey },
    request: { method: 'GET', path, route: path },
    response: { status: 200, bytes: 10 },
  };
}

const partitionByFirstChar = (key: string, count: number) => key.charCodeAt(0) % count;
const options = (overrides: Partial<PackingOptions> = {}): PackingOptions => ({
  encoding: 'table',
  eventsPerRecord: 200,
  maxRecordBytes: 900_000,
  partitionCount: 4,
  partitionFor: partitionByFirstChar,
  ...overrides,
});

const decode = (value: string | Buffer, headers: Record<string, string> | undefined) => decodeEvents(String(value), headers?.[ENCODING_HEADER]);

describe('packEventRecords', () => {
  describe.each([
    ['table', 'json-table-v1'],
    ['batch', 'json-batch-v1'],
  ] as const)('many events per record (%s)', (encoding, header) => {
    it('labels every record with its encoding', () => {
      const records = packEventRecords([event('a'), event('b')], options({ encoding }));
      expect(new Set(records.map((r) => r.headers?.[ENCODING_HEADER]))).toEqual(new Set([header]));
    });

    it('packs events of one partition into one record, in order, labelled with its encoding', () => {
      const events = [event('a', '/1'), event('b', '/2'), event('a', '/3'), event('e', '/4')];
      const records = packEventRecords(events, options({ encoding }));
      for (const record of records) {
        const decoded = decode(record.value, record.headers);
        expect(new Set(decoded.map((e) => partitionByFirstChar(e.client.key, 4)))).toEqual(new Set([record.partition]));
        expect(partitionByFirstChar(record.key as string, 4)).toBe(record.partition);
      }
      const all = records.flatMap((r) => decode(r.value, r.headers));
      expect(all.filter((e) => e.client.key === 'a').map((e) => e.request.path)).toEqual(['/1', '/3']);
      expect(all).toHaveLength(4);
    });

    it('splits a partition into records of at most eventsPerRecord events', () => {
      const records = packEventRecords(Array.from({ length: 450 }, () => event('a')), options({ encoding }));
      expect(records.map((r) => decode(r.value, r.headers).length)).toEqual([200, 200, 50]);
    });

    it('keeps every record under the byte cap by halving big batches', () => {
      const big = Array.from({ length: 100 }, (_, i) => event('a', `/${'x'.repeat(500)}/${i}`));
      const records = packEventRecords(big, options({ encoding, maxRecordBytes: 10_000 }));
      expect(records.every((r) => Buffer.byteLength(r.value) <= 10_000)).toBe(true);
      expect(records.flatMap((r) => decode(r.value, r.headers).map((e) => e.request.path))).toEqual(big.map((e) => e.request.path));
    });
  });

  it('writes one event per record, keyed by client, with the single encoding', () => {
    const records = packEventRecords([event('a'), event('b')], options({ encoding: 'single' }));
    expect(records.map((r) => [r.key, r.headers?.[ENCODING_HEADER], decode(r.value, r.headers).length])).toEqual([
      ['a', 'json-v1', 1],
      ['b', 'json-v1', 1],
    ]);
  });
});

describe('packRejectedRecords', () => {
  it('keys rejected inputs by source, on the partition of that key', () => {
    const records = packRejectedRecords([{ v: 1, receivedAt: 1, source: 'http', format: 'auto', reason: 'invalid_json', sample: 'x' }], () => 2);
    expect(records[0]).toMatchObject({ key: 'http', partition: 2 });
    expect(JSON.parse(String(records[0]?.value))).toMatchObject({ reason: 'invalid_json' });
  });
});

describe('splitIntoWaves', () => {
  const record = (partition: number, bytes: number, id: string) => ({ key: null, partition, value: id.padEnd(bytes, '.') });
  const ids = (waves: ReturnType<typeof splitIntoWaves>) => waves.map((wave) => wave.map((r) => String(r.value).replace(/\.+$/, '')));

  it('keeps each partition under the batch cap per send, in order', () => {
    const records = [record(0, 400, 'a1'), record(1, 400, 'b1'), record(0, 400, 'a2'), record(0, 400, 'a3'), record(1, 400, 'b2')];
    expect(ids(splitIntoWaves(records, 1000))).toEqual([['a1', 'b1', 'a2', 'b2'], ['a3']]);
  });

  it('sends a record bigger than the cap on its own', () => {
    expect(ids(splitIntoWaves([record(0, 10, 'small'), record(0, 5000, 'big'), record(0, 10, 'after')], 1000))).toEqual([['small'], ['big'], ['after']]);
  });

  it('sends everything at once when it fits', () => {
    expect(splitIntoWaves([record(0, 10, 'a'), record(1, 10, 'b')], 1000)).toHaveLength(1);
  });
});
