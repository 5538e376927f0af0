// Columnar per-entity state: a Map from entity id to slot, and typed-array columns indexed by
// slot. An idle entity costs its Map entry, its id string and one row (~70 bytes of columns),
// instead of a few hundred bytes of small objects. Evicts the least recently seen beyond a cap.

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
export const STAT_WIDTH = 13;

const KIND_CODES: Record<EntityKind, number> = { client: 0, ip: 1, route: 2, service: 3 };
const KINDS: readonly EntityKind[] = ['client', 'ip', 'route', 'service'];

/** Entity id: one string per entity, `<kind code>\0<service>\0<key>` (service only for routes). */
export function entityId(kind: EntityKind, key: string, service?: string): string {
  return kind === 'route' ? `2\0${service ?? '-'}\0${key}` : `${KIND_CODES[kind]}\0${key}`;
}

export function parseEntityId(id: string): { kind: EntityKind; key: string; service?: string } {
  const kind = KINDS[id.charCodeAt(0) - 48] as EntityKind;
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
  private firstSeen = new Int32Array(1024);
  private lastSeen = new Int32Array(1024);
  private scoredThroughColumn = new Int32Array(1024);
  private statsColumn = new Float32Array(1024 * STAT_WIDTH);
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
    if (bucketIndex > (this.lastSeen[slot] as number)) this.lastSeen[slot] = bucketIndex;
    return slot;
  }

  trackedBuckets(slot: number, bucketIndex: number): number {
    return bucketIndex - (this.firstSeen[slot] as number);
  }

  scoredThrough(slot: number): number {
    return this.scoredThroughColumn[slot] as number;
  }

  setScoredThrough(slot: number, bucketIndex: number): void {
    this.scoredThroughColumn[slot] = bucketIndex;
  }

  stat(slot: number, column: number): number {
    return this.statsColumn[slot * STAT_WIDTH + column] as number;
  }

  setStat(slot: number, column: number, value: number): void {
    this.statsColumn[slot * STAT_WIDTH + column] = value;
  }

  private allocate(id: string, bucketIndex: number): number {
    const slot = this.freeSlots.pop() ?? this.ids.length;
    if (slot >= this.firstSeen.length) this.grow(slot + 1);
    this.ids[slot] = id;
    this.slotsById.set(id, slot);
    this.firstSeen[slot] = bucketIndex;
    this.lastSeen[slot] = bucketIndex;
    this.scoredThroughColumn[slot] = bucketIndex - 1;
    this.statsColumn.fill(0, slot * STAT_WIDTH, (slot + 1) * STAT_WIDTH);
    if (isDense(parseEntityId(id).kind)) this.denseSlots.add(slot);
    return slot;
  }

  private grow(minimum: number): void {
    const capacity = Math.max(minimum, this.firstSeen.length * 2);
    const widen = <T extends Int32Array | Float32Array>(old: T, make: (n: number) => T, width = 1): T => {
      const next = make(capacity * width);
      next.set(old);
      return next;
    };
    this.firstSeen = widen(this.firstSeen, (n) => new Int32Array(n));
    this.lastSeen = widen(this.lastSeen, (n) => new Int32Array(n));
    this.scoredThroughColumn = widen(this.scoredThroughColumn, (n) => new Int32Array(n));
    this.statsColumn = widen(this.statsColumn, (n) => new Float32Array(n), STAT_WIDTH);
  }

  /**
   * Evicts about 1/32 of the cap at once (so the sort is amortized over many inserts), oldest
   * lastSeen first, never an entity seen at or after protectFrom (it has buckets still open).
   */
  private evictLeastRecentlySeen(protectFrom: number): void {
    const used: number[] = [];
    for (let slot = 0; slot < this.ids.length; slot++) if (this.ids[slot] !== undefined) used.push(slot);
    const seen = Int32Array.from(used, (slot) => this.lastSeen[slot] as number).sort();
    const batch = Math.max(1, Math.floor(this.maxEntities / 32));
    const cutoff = Math.min(seen[Math.min(batch, seen.length) - 1] as number, protectFrom - 1);
    let remaining = batch;
    for (const slot of used) {
      if (remaining === 0) break;
      if ((this.lastSeen[slot] as number) > cutoff) continue;
      this.remove(slot);
      remaining--;
    }
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
      state.firstSeen.push(this.firstSeen[slot] as number);
      state.lastSeen.push(this.lastSeen[slot] as number);
      state.scoredThrough.push(this.scoredThroughColumn[slot] as number);
      for (let c = 0; c < STAT_WIDTH; c++) state.stats.push(this.statsColumn[slot * STAT_WIDTH + c] as number);
    }
    return state;
  }

  static fromState(state: EntityTableState, maxEntities: number, evicted: number): EntityTable {
    const table = new EntityTable(maxEntities);
    table.evicted = evicted;
    state.ids.forEach((id, i) => {
      const slot = table.allocate(id, state.firstSeen[i] as number);
      table.lastSeen[slot] = state.lastSeen[i] as number;
      table.scoredThroughColumn[slot] = state.scoredThrough[i] as number;
      table.statsColumn.set(state.stats.slice(i * STAT_WIDTH, (i + 1) * STAT_WIDTH), slot * STAT_WIDTH);
    });
    return table;
  }
}
