import { describe, expect, it } from 'vitest';
import { KeyIndex } from './key-index';

describe('KeyIndex', () => {
  it('agrees with a Map through adds, lookups, deletes, compaction and growth, whatever the seed', () => {
    for (const seed of [0, 1, 0xdeadbeef]) {
      const index = new KeyIndex(seed);
      const slotOf = new Map<string, number>();
      const keyOf = new Map<number, string>();
      const free: number[] = [];
      let next = 0;
      let state = seed + 7;
      const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
      for (let step = 0; step < 30_000; step++) {
        // Few distinct keys, so runs of the table fill up, deletes shift entries back, and the
        // chars of deleted keys pile up until the store is compacted.
        const key = `k${Math.floor(random() * 3000)}${'x'.repeat(step % 7)}`;
        const slot = slotOf.get(key);
        if (slot !== undefined && random() < 0.5) {
          index.deleteSlot(slot);
          slotOf.delete(key);
          keyOf.delete(slot);
          free.push(slot);
        } else if (slot === undefined) {
          const added = free.pop() ?? next++;
          index.add(key, added);
          slotOf.set(key, added);
          keyOf.set(added, key);
        }
        expect(index.get(key)).toBe(slotOf.get(key) ?? -1);
      }
      expect(index.size).toBe(slotOf.size);
      for (const [key, slot] of slotOf) {
        expect(index.get(key)).toBe(slot);
        expect(index.keyOf(slot)).toBe(key);
      }
      expect(index.get('absent')).toBe(-1);
    }
    // 90,000 steps, each checked: near 4 s on a busy 2-core host.
  }, 30_000);

  it('compares keys by content and keeps any UTF-16 code units, long keys too', () => {
    const index = new KeyIndex();
    const parts = ['10.0', '.0.1'];
    const odd = ['', 'é', '\u{1F600}', 'a\ud800b', 'GET /x\0shop', 'y'.repeat(10_000)];
    index.add(parts.join(''), 5);
    odd.forEach((key, i) => index.add(key, 10 + i));
    expect(index.get(JSON.parse('"10.0.0.1"') as string)).toBe(5);
    expect(index.get('10.0.0.2')).toBe(-1);
    odd.forEach((key, i) => {
      expect(index.get(key)).toBe(10 + i);
      expect(index.keyOf(10 + i)).toBe(key);
    });
    index.deleteSlot(5);
    index.deleteSlot(5);
    expect(index.get('10.0.0.1')).toBe(-1);
    expect(index.size).toBe(odd.length);
  });

  it('warms without changing anything: the slot it finds first is that of the key, or -1', () => {
    const index = new KeyIndex(42);
    for (let slot = 0; slot < 5000; slot++) index.add(`key-${slot}`, slot);
    let found = 0;
    for (let slot = 0; slot < 6000; slot++) {
      const key = `key-${slot}`;
      const first = index.warmSlot(index.warmPosition(key));
      if (slot < 5000) {
        expect([slot, -1]).toContain(first);
        if (first === slot) found++;
      }
      expect(index.get(key)).toBe(slot < 5000 ? slot : -1);
    }
    // Linear probing at half load: most keys sit at their first position.
    expect(found).toBeGreaterThan(2500);
    expect(index.size).toBe(5000);
  });
});
