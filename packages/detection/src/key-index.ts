// String key <-> slot without a heap object per key: the keys' UTF-16 code units are appended to
// one Uint16Array, and an open-addressing table with linear probing (an Int32Array of
// [hash, slot, start, length] per position) finds a key's slot. With a million keys a Map lookup
// cost about 1 µs here (the bucket, the chained entries and each entry's key string are separate
// cache misses), and the million key strings made every full garbage collection visit a million
// objects; here a lookup reads one table entry and, when its hash matches, the key's chars, and
// the collector sees a few typed arrays. The hash is seeded per index, so keys chosen to collide
// (client keys come from outside) cannot be prepared in advance; the seed changes layout only,
// never which slot a key has.

const EMPTY = -1;
/** Written by the warm reads so they are not optimized away. */
let warmed = 0;
const MIN_CAPACITY = 16;
/** Ints per table position: hash, slot, start, length. */
const WIDTH = 4;

export class KeyIndex {
  size = 0;
  private table: Int32Array;
  private mask = 0;
  private chars = new Uint16Array(1024);
  /** Chars appended so far, and how many of them belong to deleted keys. */
  private used = 0;
  private dead = 0;
  /** Per slot: start and length of its key in chars (length -1: no key). */
  private spans = new Int32Array(0);
  private readonly seed: number;
  /** The last key found and its slot: route and service keys repeat event after event. */
  private lastKey: string | undefined;
  private lastSlot = -1;

  constructor(seed = (Math.random() * 0x100000000) >>> 0) {
    this.seed = seed;
    this.table = this.emptyTable(MIN_CAPACITY);
  }

  /** The key's slot, or -1. */
  get(key: string): number {
    if (key === this.lastKey) return this.lastSlot;
    const hash = this.hash(key);
    const table = this.table;
    const mask = this.mask;
    let p = hash & mask;
    for (;;) {
      const at = p * WIDTH;
      const slot = table[at + 1] as number;
      if (slot === EMPTY) return -1;
      if (table[at] === hash && this.equals(key, table[at + 2] as number, table[at + 3] as number)) {
        this.lastKey = key;
        this.lastSlot = slot;
        return slot;
      }
      p = (p + 1) & mask;
    }
  }

  /**
   * The key's hash, having read the table position where its search starts: the first of the
   * passes in which a batch brings its keys' memory into the cache (see EntityTable.warmKeys).
   */
  warmPosition(key: string): number {
    const hash = this.hash(key);
    warmed ^= this.table[(hash & this.mask) * WIDTH] as number;
    return hash;
  }

  /** The slot at the hash's first position when its hash matches (else -1), having read that key's first char. */
  warmSlot(hash: number): number {
    const at = (hash & this.mask) * WIDTH;
    if (this.table[at] !== hash) return -1;
    warmed ^= this.chars[this.table[at + 2] as number] as number;
    return this.table[at + 1] as number;
  }

  /** Adds a key that is not in the index, for a slot that has none. */
  add(key: string, slot: number): void {
    if (2 * (this.size + 1) > this.mask + 1) this.resize(2 * (this.mask + 1));
    if (this.used + key.length > this.chars.length) this.makeRoom(key.length);
    const start = this.used;
    for (let i = 0; i < key.length; i++) this.chars[start + i] = key.charCodeAt(i);
    this.used += key.length;
    if (2 * slot + 1 >= this.spans.length) this.growSpans(slot + 1);
    this.spans[2 * slot] = start;
    this.spans[2 * slot + 1] = key.length;
    this.place(this.hash(key), slot, start, key.length);
    this.size++;
  }

  /** The slot's key. */
  keyOf(slot: number): string {
    const start = this.spans[2 * slot] as number;
    const length = this.spans[2 * slot + 1] as number;
    let key = '';
    for (let from = start; from < start + length; from += 4096) {
      const to = Math.min(from + 4096, start + length);
      key += String.fromCharCode.apply(null, this.chars.subarray(from, to) as unknown as number[]);
    }
    return key;
  }

  /** Removes the slot's key (shifting later entries of its run back, so no tombstones pile up). */
  deleteSlot(slot: number): void {
    if (2 * slot >= this.spans.length) return;
    const start = this.spans[2 * slot] as number;
    const length = this.spans[2 * slot + 1] as number;
    if (length < 0) return;
    if (slot === this.lastSlot) this.lastKey = undefined;
    const table = this.table;
    const mask = this.mask;
    let p = this.hashChars(start, length) & mask;
    while (table[p * WIDTH + 1] !== slot) p = (p + 1) & mask;
    let hole = p;
    let next = p;
    for (;;) {
      next = (next + 1) & mask;
      if (table[next * WIDTH + 1] === EMPTY) break;
      const home = (table[next * WIDTH] as number) & mask;
      // An entry whose home lies cyclically in (hole, next] is still reachable: it stays.
      const reachable = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (reachable) continue;
      table.copyWithin(hole * WIDTH, next * WIDTH, next * WIDTH + WIDTH);
      hole = next;
    }
    table[hole * WIDTH + 1] = EMPTY;
    this.spans[2 * slot + 1] = -1;
    this.dead += length;
    this.size--;
  }

  private equals(key: string, start: number, length: number): boolean {
    if (key.length !== length) return false;
    const chars = this.chars;
    for (let i = 0; i < length; i++) if (key.charCodeAt(i) !== chars[start + i]) return false;
    return true;
  }

  private place(hash: number, slot: number, start: number, length: number): void {
    const table = this.table;
    let p = hash & this.mask;
    while (table[p * WIDTH + 1] !== EMPTY) p = (p + 1) & this.mask;
    const at = p * WIDTH;
    table[at] = hash;
    table[at + 1] = slot;
    table[at + 2] = start;
    table[at + 3] = length;
  }

  private emptyTable(capacity: number): Int32Array {
    const table = new Int32Array(capacity * WIDTH);
    for (let p = 0; p < capacity; p++) table[p * WIDTH + 1] = EMPTY;
    this.mask = capacity - 1;
    return table;
  }

  private resize(capacity: number): void {
    const old = this.table;
    this.table = this.emptyTable(capacity);
    for (let at = 0; at < old.length; at += WIDTH) {
      if (old[at + 1] !== EMPTY) this.place(old[at] as number, old[at + 1] as number, old[at + 2] as number, old[at + 3] as number);
    }
  }

  /** Room for `more` chars: compacts away deleted keys when they are most of the store, else grows. */
  private makeRoom(more: number): void {
    const live = this.used - this.dead;
    const capacity = Math.max(1024, 2 * (live + more));
    const chars = capacity > this.chars.length || this.dead > 0 ? new Uint16Array(Math.max(capacity, this.chars.length)) : this.chars;
    if (this.dead === 0) {
      chars.set(this.chars.subarray(0, this.used));
    } else {
      // Compact: copy live keys in slot order and move both their spans and table entries.
      let used = 0;
      for (let slot = 0; 2 * slot < this.spans.length; slot++) {
        const length = this.spans[2 * slot + 1] as number;
        if (length < 0) continue;
        const start = this.spans[2 * slot] as number;
        chars.set(this.chars.subarray(start, start + length), used);
        this.spans[2 * slot] = used;
        used += length;
      }
      for (let at = 0; at < this.table.length; at += WIDTH) {
        const slot = this.table[at + 1] as number;
        if (slot !== EMPTY) this.table[at + 2] = this.spans[2 * slot] as number;
      }
      this.used = used;
      this.dead = 0;
    }
    this.chars = chars;
  }

  private growSpans(slots: number): void {
    const spans = new Int32Array(2 * Math.max(slots, 1024, this.spans.length));
    spans.fill(-1);
    spans.set(this.spans);
    this.spans = spans;
  }

  /** FNV-1a from a seeded basis, then the murmur3 finalizer (linear probing needs good low bits). */
  private hash(key: string): number {
    let h = this.seed ^ 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return finalize(h);
  }

  /** hash() of the key stored at [start, start + length). */
  private hashChars(start: number, length: number): number {
    let h = this.seed ^ 0x811c9dc5;
    for (let i = 0; i < length; i++) h = Math.imul(h ^ (this.chars[start + i] as number), 0x01000193);
    return finalize(h);
  }
}

function finalize(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x7fffffff;
}
