import { describe, expect, it } from 'vitest';
import { revokedPartitions } from './assignment-change';

describe('revokedPartitions', () => {
  it('lists per topic the partitions the new assignment no longer holds', () => {
    const previous = [
      { topic: 'a', partitions: [0, 1, 2] },
      { topic: 'b', partitions: [0] },
    ];
    const next = [{ topic: 'a', partitions: [1, 3] }];
    expect(revokedPartitions(previous, next)).toEqual([
      { topic: 'a', partitions: [0, 2] },
      { topic: 'b', partitions: [0] },
    ]);
  });

  it('is empty when nothing was taken away, including the first assignment', () => {
    expect(revokedPartitions([{ topic: 'a', partitions: [0] }], [{ topic: 'a', partitions: [0, 1] }])).toEqual([]);
    expect(revokedPartitions([], [{ topic: 'a', partitions: [0] }])).toEqual([]);
  });
});
