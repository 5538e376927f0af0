import { describe, expect, it, vi } from 'vitest';
import { EntityTable, kindCode } from './entity-table';

describe('EntityTable at its cap', () => {
  const client = kindCode('client');

  it('goes past the cap without searching for victims again while every entity is in an open bucket, and evicts once a bucket closes', () => {
    const table = new EntityTable(100);
    // Spying on the private pass: what matters is how often the whole table is scanned and sorted.
    const passes = vi.spyOn(table as unknown as { evictLeastRecentlySeen(protectFrom: number): void }, 'evictLeastRecentlySeen');
    for (let n = 0; n < 100; n++) table.touchKey(client, `old-${n}`, 10, 10);
    // A flood of new clients, all in buckets still open (protected from bucket 10 on).
    for (let n = 0; n < 1000; n++) table.touchKey(client, `flood-${n}`, 11, 10);
    expect(table.size).toBe(1100);
    expect(passes).toHaveBeenCalledTimes(1);

    // Bucket 10 closed: its entities may go now.
    table.touchKey(client, 'after', 12, 12);
    expect(passes).toHaveBeenCalledTimes(2);
    expect(table.size).toBeLessThan(1100);
    expect(table.evicted).toBeGreaterThan(0);
  });
});
