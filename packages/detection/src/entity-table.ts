// Per-entity state in typed arrays: an index per entity kind from key to slot (KeyIndex), and one
// 64-byte row per slot (three Int32 bucket indices, then the Float32 baseline). An idle entity
// costs its index entry, its key string and its row, instead of a few hundred bytes of small
// objects. One row rather than a column per field: scoring reads and writes every field of one
// entity, and with a million entities each column would be a separate cache miss. Keyed per kind
// by the event's own key string (a route by `<service>\0<METHOD route>`), so an event needs no id
// built and hashed per entity; the `<kind code>\0…` id is built only for checkpoints and
// incidents. Evicts the least recently seen beyond a cap.

import type { EntityKind } from '@vigil/contract';
import type { EntityRef } from './detectors/detector';
import { KeyIndex } from './key-index';

/** Columns of the baseline row, Float32 (7 significant digits are plenty for a baseline). */
export const STAT = {
  requestMean: 0,
  requestVariance: 1,
  errorMean: 2,
  authFailureMean: 3,
  bytesMean: 4,
  bytesVariance: 5,
  objectIdsMean: 6,
  objectIdsVariance: 7,
  latencyLogMean: 8,
  latencyLogVariance: 9,
  latencyBuckets: 10,
  rampLong: 11,
  rampShort: 12,
} as const;
const STAT_WIDTH = 13;

/** Words of a row: firstSeen, lastSeen, scoredThrough (Int32), the STAT columns (Float32). */
const ROW_WIDTH = 16;
const FIRST_SEEN = 0;
const LAST_SEEN = 1;
const SCORED_THROUGH = 2;
const STATS_AT = 3;

const KIND_CODES: Record<EntityKind, number> = { client: 0, ip: 1, route: 2, service: 3 };
const KINDS: readonly EntityKind[] = ['client', 'ip', 'route', 'service'];
/** Kind code of a free slot. */
const FREE = 255;

/**
 * An entity's key within its kind: the key, or `<service>\0<key>` for a route. Its id (checkpoints,
 * incidents) is `<kind code>\0<local key>`, as it was when the table was keyed by id.
 */
export function localKey(kind: EntityKind, key: string, service?: string): string {
  return kind === 'route' ? `${service ?? '-'}\0${key}` : key;
}

export function kindCode(kind: EntityKind): number {
  return KIND_CODES[kind];
}

/** Route and service entities are scored every bucket (a silent route is news); others when seen. */
export function isDense(kind: EntityKind): boolean {
  return kind === 'route' || kind === 'service';
}

export interface EntityTableState {
  ids: string[];
  firstSeen: number[];
  lastSeen: number[];
  scoredThrough: number[];
  stats: number[];
}

export class EntityTable {
  /** Per kind code: local key <-> slot. */
  private readonly slotsByKey = [new KeyIndex(), new KeyIndex(), new KeyIndex(), new KeyIndex()];
  /** Per slot: the kind code (FREE: no entity). Slots at or above `slots` were never used. */
  private kinds = new Uint8Array(1024).fill(FREE);
  private slots = 0;
  /** Two views of the same rows: the indices as Int32, the stats as Float32. */
  private ints = new Int32Array(1024 * ROW_WIDTH);
  private floats = new Float32Array(this.ints.buffer);
  private readonly freeSlots: number[] = [];
  readonly denseSlots = new Set<number>();
  evicted = 0;
  private count = 0;
  /**
   * The protectFrom of the last eviction pass that found fewer victims than it wanted: until
   * protectFrom moves on (a bucket closes), another pass would find none either. Without it a
   * flood of new entities inside the open buckets (a spoofed-address flood) rescanned and sorted
   * the whole table for every one of them: seconds per record, the event loop held meanwhile.
   */
  private exhaustedAt: number | undefined;

  constructor(private readonly maxEntities: number) {}

  get size(): number {
    return this.count;
  }

  /** Slots below this have rows. */
  get capacity(): number {
    return this.kinds.length;
  }

  /** The `<kind code>\0…` entity id (checkpoints, incidents, seasonal profiles). */
  idOf(slot: number): string {
    return `${this.kinds[slot] as number}\0${this.localKeyOf(slot)}`;
  }

  /** A route or service: scored every bucket. */
  isDense(slot: number): boolean {
    return (this.kinds[slot] as number) >= KIND_CODES.route;
  }

  kindOf(slot: number): EntityKind {
    return KINDS[this.kinds[slot] as number] as EntityKind;
  }

  /** See localKey. */
  localKeyOf(slot: number): string {
    return (this.slotsByKey[this.kinds[slot] as number] as KeyIndex).keyOf(slot);
  }

  /**
   * A reference to the entity for the scoring of one bucket: its key is read from the table only
   * when asked (when a detector fires), not on every score.
   */
  refOf(slot: number): EntityRef {
    return new SlotEntityRef(this, slot, this.kindOf(slot));
  }

  /** The slot of an entity by id (`<kind code>\0<key>`), -1 when it is not tracked. */
  slotOf(id: string): number {
    return (this.slotsByKey[id.charCodeAt(0) - 48] as KeyIndex | undefined)?.get(id.slice(2)) ?? -1;
  }

  /** touchKey by entity id. */
  touch(id: string, bucketIndex: number, protectFrom: number): number {
    return this.touchKey(id.charCodeAt(0) - 48, id.slice(2), bucketIndex, protectFrom);
  }

  /**
   * The slot of an entity by kind code and local key, created (and the cap enforced) when new;
   * marks it seen at bucketIndex.
   */
  touchKey(code: number, key: string, bucketIndex: number, protectFrom: number): number {
    let slot = (this.slotsByKey[code] as KeyIndex).get(key);
    if (slot < 0) {
      if (this.count >= this.maxEntities && this.exhaustedAt !== protectFrom) this.evictLeastRecentlySeen(protectFrom);
      slot = this.allocate(code, key, bucketIndex);
    }
    const lastSeen = slot * ROW_WIDTH + LAST_SEEN;
    if (bucketIndex > (this.ints[lastSeen] as number)) this.ints[lastSeen] = bucketIndex;
    return slot;
  }

  /**
   * Reads, for a batch of keys of one kind, the memory their lookups and rows will need, in passes
   * over the whole batch: the loads of one pass do not depend on each other, so the processor
   * overlaps their cache misses, where looking the keys up one by one waits for each in turn.
   * Changes nothing but `scratch`, which ends holding each key's likely slot (-1: unknown).
   * With a million entities most of those reads miss. Returns a value made of what it read, for
   * the caller to keep so the reads are not optimized away.
   */
  warmKeys(code: number, keys: readonly string[], scratch: Int32Array): number {
    const index = this.slotsByKey[code] as KeyIndex;
    for (let i = 0; i < keys.length; i++) scratch[i] = index.warmPosition(keys[i] as string);
    let sum = 0;
    for (let i = 0; i < keys.length; i++) {
      const slot = index.warmSlot(scratch[i] as number);
      if (slot >= 0 && slot < this.kinds.length) sum ^= this.ints[slot * ROW_WIDTH + LAST_SEEN] as number;
      scratch[i] = slot;
    }
    return sum;
  }

  trackedBuckets(slot: number, bucketIndex: number): number {
    return bucketIndex - (this.ints[slot * ROW_WIDTH + FIRST_SEEN] as number);
  }

  scoredThrough(slot: number): number {
    return this.ints[slot * ROW_WIDTH + SCORED_THROUGH] as number;
  }

  setScoredThrough(slot: number, bucketIndex: number): void {
    this.ints[slot * ROW_WIDTH + SCORED_THROUGH] = bucketIndex;
  }

  /**
   * Starts the entity's baselines afresh at bucketIndex, as if first seen then: what it learned
   * before a long silence has decayed to next to nothing and would only make its return look like
   * a surge from zero.
   */
  restart(slot: number, bucketIndex: number): void {
    const row = slot * ROW_WIDTH;
    this.floats.fill(0, row + STATS_AT, row + STATS_AT + STAT_WIDTH);
    this.ints[row + FIRST_SEEN] = bucketIndex;
    this.ints[row + SCORED_THROUGH] = bucketIndex - 1;
  }

  stat(slot: number, column: number): number {
    return this.floats[slot * ROW_WIDTH + STATS_AT + column] as number;
  }

  setStat(slot: number, column: number, value: number): void {
    this.floats[slot * ROW_WIDTH + STATS_AT + column] = value;
  }

  private allocate(code: number, key: string, bucketIndex: number): number {
    const slot = this.freeSlots.pop() ?? this.slots++;
    if (slot >= this.kinds.length) this.grow(slot + 1);
    this.kinds[slot] = code;
    (this.slotsByKey[code] as KeyIndex).add(key, slot);
    this.count++;
    const row = slot * ROW_WIDTH;
    this.ints.fill(0, row, row + ROW_WIDTH);
    this.ints[row + FIRST_SEEN] = bucketIndex;
    this.ints[row + LAST_SEEN] = bucketIndex;
    this.ints[row + SCORED_THROUGH] = bucketIndex - 1;
    if (isDense(KINDS[code] as EntityKind)) this.denseSlots.add(slot);
    return slot;
  }

  private grow(minimum: number): void {
    const capacity = Math.max(minimum, this.kinds.length * 2);
    const next = new Int32Array(capacity * ROW_WIDTH);
    next.set(this.ints);
    this.ints = next;
    this.floats = new Float32Array(next.buffer);
    const kinds = new Uint8Array(capacity).fill(FREE);
    kinds.set(this.kinds);
    this.kinds = kinds;
  }

  /**
   * Evicts about 1/32 of the cap at once (so the sort is amortized over many inserts), oldest
   * lastSeen first, never an entity seen at or after protectFrom (it has buckets still open).
   */
  private evictLeastRecentlySeen(protectFrom: number): void {
    const used: number[] = [];
    for (let slot = 0; slot < this.slots; slot++) if (this.kinds[slot] !== FREE) used.push(slot);
    const seen = Int32Array.from(used, (slot) => this.lastSeenOf(slot)).sort();
    const batch = Math.max(1, Math.floor(this.maxEntities / 32));
    const cutoff = Math.min(seen[Math.min(batch, seen.length) - 1] as number, protectFrom - 1);
    let remaining = batch;
    for (const slot of used) {
      if (remaining === 0) break;
      if (this.lastSeenOf(slot) > cutoff) continue;
      this.remove(slot);
      remaining--;
    }
    // Every entity left is protected (or the table is small): the cap is exceeded until a bucket closes.
    this.exhaustedAt = remaining > 0 ? protectFrom : undefined;
  }

  private lastSeenOf(slot: number): number {
    return this.ints[slot * ROW_WIDTH + LAST_SEEN] as number;
  }

  private remove(slot: number): void {
    (this.slotsByKey[this.kinds[slot] as number] as KeyIndex).deleteSlot(slot);
    this.kinds[slot] = FREE;
    this.count--;
    this.denseSlots.delete(slot);
    this.freeSlots.push(slot);
    this.evicted++;
  }

  toState(): EntityTableState {
    const state: EntityTableState = { ids: [], firstSeen: [], lastSeen: [], scoredThrough: [], stats: [] };
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.kinds[slot] === FREE) continue;
      state.ids.push(this.idOf(slot));
      state.firstSeen.push(this.ints[slot * ROW_WIDTH + FIRST_SEEN] as number);
      state.lastSeen.push(this.lastSeenOf(slot));
      state.scoredThrough.push(this.scoredThrough(slot));
      for (let c = 0; c < STAT_WIDTH; c++) state.stats.push(this.stat(slot, c));
    }
    return state;
  }

  static fromState(state: EntityTableState, maxEntities: number, evicted: number): EntityTable {
    const table = new EntityTable(maxEntities);
    table.evicted = evicted;
    state.ids.forEach((id, i) => {
      const slot = table.allocate(id.charCodeAt(0) - 48, id.slice(2), state.firstSeen[i] as number);
      table.ints[slot * ROW_WIDTH + LAST_SEEN] = state.lastSeen[i] as number;
      table.setScoredThrough(slot, state.scoredThrough[i] as number);
      table.floats.set(state.stats.slice(i * STAT_WIDTH, (i + 1) * STAT_WIDTH), slot * ROW_WIDTH + STATS_AT);
    });
    return table;
  }
}

/** EntityRef of a table slot, its key and service read on demand (valid while the slot is). */
class SlotEntityRef implements EntityRef {
  constructor(
    private readonly table: EntityTable,
    private readonly slot: number,
    readonly kind: EntityKind,
  ) {}

  get key(): string {
    const local = this.table.localKeyOf(this.slot);
    return this.kind === 'route' ? local.slice(local.indexOf('\0') + 1) : local;
  }

  get service(): string | undefined {
    if (this.kind !== 'route') return undefined;
    const local = this.table.localKeyOf(this.slot);
    return local.slice(0, local.indexOf('\0'));
  }
}
