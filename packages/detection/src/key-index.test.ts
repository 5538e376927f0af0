import { describe, expect, it } from 'vitest';
import { KeyIndex } from './key-index';

describe('KeyIndex', () => {
  it('agrees with a Map through adds, lookups, deletes and growth, whatever the seed', () => {
    for (const seed of [0, 1, 0xdeadbeef]) {
      const index = new KeyIndex(seed);
      const model = new Map<string, number>();
      let state = seed + 7;
      const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
      for (let step = 0; step < 20_000; step++) {
        // Few distinct keys, so runs of the table fill up and deletes shift entries back.
        const key = `k${Math.floor(random() * 3000)}`;
        if (random() < 0.4 && model.has(key)) {
          expect(index.delete(key)).toBe(true);
          model.delete(key);
        } else if (!model.has(key)) {
          index.add(key, step);
          model.set(key, step);
        }
        expect(index.get(key)).toBe(model.get(key) ?? -1);
      }
      expect(index.size).toBe(model.size);
      for (let k = 0; k < 3000; k++) expect(index.get(`k${k}`)).toBe(model.get(`k${k}`) ?? -1);
      expect(index.delete('absent')).toBe(false);
    }
  });

  it('compares keys by content: a key built afresh finds the slot of an equal one', () => {
    const index = new KeyIndex();
    const parts = ['10.0', '.0.1'];
    index.add(parts.join(''), 5);
    expect(index.get(JSON.parse('"10.0.0.1"') as string)).toBe(5);
    expect(index.get('10.0.0.2')).toBe(-1);
    expect(index.get('')).toBe(-1);
    index.add('', 6);
    expect(index.get('')).toBe(6);
  });
});
