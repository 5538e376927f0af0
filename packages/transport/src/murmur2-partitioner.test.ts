import { describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { murmur2, partitionForKey } from './murmur2-partitioner';

describe('murmur2', () => {
  // Values from Apache Kafka's own UtilsTest for Utils.murmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j like the Java client', (key, expected) => {
    expect(murmur2(Buffer.from(key))).toBe(expected);
  });
});

describe('partitionForKey', () => {
  it('picks the partition kafkajs DefaultPartitioner picks for the same key', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    for (const partitionCount of [1, 3, 6, 7, 64]) {
      const partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({
        partitionId,
        leader: 1,
        partitionErrorCode: 0,
        replicas: [1],
        isr: [1],
      }));
      for (let i = 0; i < 500; i++) {
        const key = `client-${i}-${'é'.repeat(i % 5)}`;
        const expected = partitioner({ topic: 't', partitionMetadata, message: { key, value: 'v' } });
        expect(partitionForKey(key, partitionCount)).toBe(expected);
      }
    }
  });

  it('keeps every key within range', () => {
    for (let i = 0; i < 1000; i++) {
      const p = partitionForKey(`k${i}`, 5);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(5);
    }
  });
});
