// String key -> slot, as an open-addressing table with linear probing in one flat array of
// [hash, slot, key] triples. With a million keys a Map lookup cost about 1 µs here (the bucket,
// the chained entries and each entry's key string are separate cache misses); this one reads one
// triple (usually one cache line) and, when the stored hash matches, the key string. The hash is
// seeded per table, so keys chosen to collide (client keys come from outside) cannot be prepared
// in advance; the seed changes layout only, never which slot a key has.

const EMPTY = -1;
const MIN_CAPACITY = 16;
/** The stored hash is a small integer (31-bit Smi). */
const HASH_MASK = 0x3fffffff;

export class KeyIndex {
  size = 0;
  /** Per position p: table[3p] hash, table[3p + 1] slot (EMPTY when free), table[3p + 2] key. */
  private table: Array<number | string> = [];
  private mask = 0;
  private readonly seed: number;

  constructor(seed = (Math.random() * 0x100000000) >>> 0) {
    this.seed = seed;
    this.resize(MIN_CAPACITY);
  }

  /** The key's slot, or -1. */
  get(key: string): number {
    const hash = this.hash(key);
    const table = this.table;
    let p = hash & this.mask;
    for (;;) {
      const slot = table[3 * p + 1] as number;
      if (slot === EMPTY) return -1;
      if (table[3 * p] === hash && table[3 * p + 2] === key) return slot;
      p = (p + 1) & this.mask;
    }
  }

  /** Adds a key that is not in the index. */
  add(key: string, slot: number): void {
    if (2 * (this.size + 1) > this.mask + 1) this.resize(2 * (this.mask + 1));
    this.place(this.hash(key), slot, key);
    this.size++;
  }

  /** Removes a key (shifting later entries of its run back, so no tombstones pile up). */
  delete(key: string): boolean {
    const hash = this.hash(key);
    const table = this.table;
    const mask = this.mask;
    let p = hash & mask;
    for (;;) {
      if (table[3 * p + 1] === EMPTY) return false;
      if (table[3 * p] === hash && table[3 * p + 2] === key) break;
      p = (p + 1) & mask;
    }
    let hole = p;
    let next = p;
    for (;;) {
      next = (next + 1) & mask;
      if (table[3 * next + 1] === EMPTY) break;
      const home = (table[3 * next] as number) & mask;
      // An entry whose home lies cyclically in (hole, next] is still reachable: it stays.
      const reachable = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (reachable) continue;
      table[3 * hole] = table[3 * next] as number;
      table[3 * hole + 1] = table[3 * next + 1] as number;
      table[3 * hole + 2] = table[3 * next + 2] as string;
      hole = next;
    }
    table[3 * hole] = 0;
    table[3 * hole + 1] = EMPTY;
    table[3 * hole + 2] = '';
    this.size--;
    return true;
  }

  private place(hash: number, slot: number, key: string): void {
    const table = this.table;
    let p = hash & this.mask;
    while (table[3 * p + 1] !== EMPTY) p = (p + 1) & this.mask;
    table[3 * p] = hash;
    table[3 * p + 1] = slot;
    table[3 * p + 2] = key;
  }

  private resize(capacity: number): void {
    const old = this.table;
    // Sized exactly (pushing would leave up to half again as much slack).
    const table = new Array<number | string>(3 * capacity);
    for (let p = 0; p < capacity; p++) {
      table[3 * p] = 0;
      table[3 * p + 1] = EMPTY;
      table[3 * p + 2] = '';
    }
    this.table = table;
    this.mask = capacity - 1;
    for (let p = 0; p < old.length; p += 3) {
      if (old[p + 1] !== EMPTY) this.place(old[p] as number, old[p + 1] as number, old[p + 2] as string);
    }
  }

  /** FNV-1a from a seeded basis, then the murmur3 finalizer (linear probing needs good low bits). */
  private hash(key: string): number {
    let h = this.seed ^ 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & HASH_MASK;
  }
}
