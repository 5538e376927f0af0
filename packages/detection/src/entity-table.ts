// Per-entity state in typed arrays: a Map from entity id to slot, and one 64-byte row per slot
// (three Int32 bucket indices, then the Float32 baseline). An idle entity costs its Map entry, its
// id string and its row, instead of a few hundred bytes of small objects. One row rather than a
// column per field: scoring reads and writes every field of one entity, and with a million
// entities each column would be a separate cache miss. Evicts the least recently seen beyond a cap.

import type { EntityKind } from '@vigil/contract';

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

/** Entity id: one string per entity, `<kind code>\0<service>\0<key>` (service only for routes). */
export function entityId(kind: EntityKind, key: string, service?: string): string {
  return kind === 'route' ? `2\0${service ?? '-'}\0${key}` : `${KIND_CODES[kind]}\0${key}`;
}

/** The kind alone, without cutting the key out of the id. */
function entityKindOf(id: string): EntityKind {
  return KINDS[id.charCodeAt(0) - 48] as EntityKind;
}

export function parseEntityId(id: string): { kind: EntityKind; key: string; service?: string } {
  const kind = entityKindOf(id);
  if (kind !== 'route') return { kind, key: id.slice(2) };
  const sep = id.indexOf('\0', 2);
  return { kind, service: id.slice(2, sep), key: id.slice(sep + 1) };
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
  private readonly slotsById = new Map<string, number>();
  private ids: Array<string | undefined> = [];
  /** Two views of the same rows: the indices as Int32, the stats as Float32. */
  private ints = new Int32Array(1024 * ROW_WIDTH);
  private floats = new Float32Array(this.ints.buffer);
  private readonly freeSlots: number[] = [];
  readonly denseSlots = new Set<number>();
  evicted = 0;

  constructor(private readonly maxEntities: number) {}

  get size(): number {
    return this.slotsById.size;
  }

  slotOf(id: string): number | undefined {
    return this.slotsById.get(id);
  }

  idOf(slot: number): string {
    return this.ids[slot] as string;
  }

  /** The slot of an entity, created (and the cap enforced) when new; marks it seen at bucketIndex. */
  touch(id: string, bucketIndex: number, protectFrom: number): number {
    let slot = this.slotsById.get(id);
    if (slot === undefined) {
      if (this.slotsById.size >= this.maxEntities) this.evictLeastRecentlySeen(protectFrom);
      slot = this.allocate(id, bucketIndex);
    }
    const lastSeen = slot * ROW_WIDTH + LAST_SEEN;
    if (bucketIndex > (this.ints[lastSeen] as number)) this.ints[lastSeen] = bucketIndex;
    return slot;
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

  stat(slot: number, column: number): number {
    return this.floats[slot * ROW_WIDTH + STATS_AT + column] as number;
  }

  setStat(slot: number, column: number, value: number): void {
    this.floats[slot * ROW_WIDTH + STATS_AT + column] = value;
  }

  private allocate(id: string, bucketIndex: number): number {
    const slot = this.freeSlots.pop() ?? this.ids.length;
    if ((slot + 1) * ROW_WIDTH > this.ints.length) this.grow(slot + 1);
    this.ids[slot] = id;
    this.slotsById.set(id, slot);
    const row = slot * ROW_WIDTH;
    this.ints.fill(0, row, row + ROW_WIDTH);
    this.ints[row + FIRST_SEEN] = bucketIndex;
    this.ints[row + LAST_SEEN] = bucketIndex;
    this.ints[row + SCORED_THROUGH] = bucketIndex - 1;
    if (isDense(entityKindOf(id))) this.denseSlots.add(slot);
    return slot;
  }

  private grow(minimum: number): void {
    const capacity = Math.max(minimum, (this.ints.length / ROW_WIDTH) * 2);
    const next = new Int32Array(capacity * ROW_WIDTH);
    next.set(this.ints);
    this.ints = next;
    this.floats = new Float32Array(next.buffer);
  }

  /**
   * Evicts about 1/32 of the cap at once (so the sort is amortized over many inserts), oldest
   * lastSeen first, never an entity seen at or after protectFrom (it has buckets still open).
   */
  private evictLeastRecentlySeen(protectFrom: number): void {
    const used: number[] = [];
    for (let slot = 0; slot < this.ids.length; slot++) if (this.ids[slot] !== undefined) used.push(slot);
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
  }

  private lastSeenOf(slot: number): number {
    return this.ints[slot * ROW_WIDTH + LAST_SEEN] as number;
  }

  private remove(slot: number): void {
    this.slotsById.delete(this.ids[slot] as string);
    this.ids[slot] = undefined;
    this.denseSlots.delete(slot);
    this.freeSlots.push(slot);
    this.evicted++;
  }

  toState(): EntityTableState {
    const state: EntityTableState = { ids: [], firstSeen: [], lastSeen: [], scoredThrough: [], stats: [] };
    for (let slot = 0; slot < this.ids.length; slot++) {
      const id = this.ids[slot];
      if (id === undefined) continue;
      state.ids.push(id);
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
      const slot = table.allocate(id, state.firstSeen[i] as number);
      table.ints[slot * ROW_WIDTH + LAST_SEEN] = state.lastSeen[i] as number;
      table.setScoredThrough(slot, state.scoredThrough[i] as number);
      table.floats.set(state.stats.slice(i * STAT_WIDTH, (i + 1) * STAT_WIDTH), slot * ROW_WIDTH + STATS_AT);
    });
    return table;
  }
}
