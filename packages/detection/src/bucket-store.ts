// The entities' aggregates of one event-time bucket, by entity slot. With a million entities most
// buckets get a single event, so an entry holds that event's few fields in typed-array columns
// and becomes a BucketAggregate object only on its second event (or a merged partial); a bucket
// of one event costs no allocation beyond the column growth, where the object with its sketch,
// top-k and sample arrays cost half a dozen allocations that lived until the bucket closed.

import type { ApiAccessEvent, EntityKind } from '@vigil/contract';
import { OneEventBucket, addEventFields, emptyBucket, mergeBucket, type BucketAggregate } from './bucket';

const INITIAL_ENTRIES = 256;

export class BucketStore {
  /** Entries in the order their entity first came: scoring and checkpoints keep that order. */
  size = 0;
  /** slot -> entry + 1; 0: no entry. */
  private entryBySlot: Int32Array;
  private slots = new Int32Array(INITIAL_ENTRIES);
  private kinds: EntityKind[] = [];
  /** The single event of an entry that has no object yet. */
  private status = new Float64Array(INITIAL_ENTRIES);
  private bytes = new Float64Array(INITIAL_ENTRIES);
  /** NaN: no latency. */
  private latencyMs = new Float64Array(INITIAL_ENTRIES);
  private requestIds: Array<string | undefined> = [];
  private objectIds: Array<string | undefined> = [];
  private clientKeys: string[] = [];
  private routes: string[] = [];
  /** The aggregate of an entry once it has more than one event. */
  private objects: Array<BucketAggregate | undefined> = [];
  private readonly oneEvent = new OneEventBucket();

  constructor(slotCapacity: number) {
    this.entryBySlot = new Int32Array(Math.max(slotCapacity, 1));
  }

  entryOf(slot: number): number {
    return slot < this.entryBySlot.length ? (this.entryBySlot[slot] as number) - 1 : -1;
  }

  slotAt(entry: number): number {
    return this.slots[entry] as number;
  }

  /** Counts one event for the entity in this slot (of this kind); route is its routeKey. */
  addEvent(slot: number, kind: EntityKind, event: ApiAccessEvent, route: string): void {
    const entry = this.entryOf(slot);
    if (entry >= 0) {
      const bucket = this.objects[entry] ?? this.materialize(entry);
      addEventFields(bucket, kind, event.response.status, event.response.bytes, event.response.latencyMs, event.request.id, event.request.objectId, event.client.key, route);
      return;
    }
    const added = this.append(slot, kind, undefined);
    this.status[added] = event.response.status;
    this.bytes[added] = event.response.bytes;
    this.latencyMs[added] = event.response.latencyMs ?? NaN;
    this.requestIds.push(event.request.id);
    this.objectIds.push(event.request.objectId);
    this.clientKeys.push(event.client.key);
    this.routes.push(route);
  }

  /** Merges a partial aggregate into the slot's entry (a new object, as mergeBucket returns). */
  addPartial(slot: number, kind: EntityKind, partial: BucketAggregate): void {
    const entry = this.entryOf(slot);
    if (entry < 0) this.append(slot, kind, mergeBucket(emptyBucket(), partial));
    else this.objects[entry] = mergeBucket(this.objects[entry] ?? this.materialize(entry), partial);
  }

  /** Sets the slot's aggregate (restoring a checkpoint). */
  put(slot: number, kind: EntityKind, bucket: BucketAggregate): void {
    const entry = this.entryOf(slot);
    if (entry < 0) this.append(slot, kind, bucket);
    else this.objects[entry] = bucket;
  }

  /** The entry's aggregate; a single event's is built afresh on every call (not kept). */
  bucketAt(entry: number): BucketAggregate {
    return this.objects[entry] ?? this.build(entry);
  }

  get(slot: number): BucketAggregate | undefined {
    const entry = this.entryOf(slot);
    return entry < 0 ? undefined : this.bucketAt(entry);
  }

  /**
   * The entry's aggregate to read at once (scoring): a single event's is written into one reused
   * object, valid until the next view of this store, never to be kept or changed.
   */
  viewAt(entry: number): BucketAggregate {
    return (
      this.objects[entry] ??
      this.oneEvent.of(
        this.kinds[entry] as EntityKind,
        this.status[entry] as number,
        this.bytes[entry] as number,
        this.latencyMs[entry] as number,
        this.requestIds[entry],
        this.objectIds[entry],
        this.clientKeys[entry] as string,
        this.routes[entry] as string,
      )
    );
  }

  viewOf(slot: number): BucketAggregate | undefined {
    const entry = this.entryOf(slot);
    return entry < 0 ? undefined : this.viewAt(entry);
  }

  /** A new entry; a single-event one (bucket undefined) pushes its strings after this. */
  private append(slot: number, kind: EntityKind, bucket: BucketAggregate | undefined): number {
    if (slot >= this.entryBySlot.length) this.entryBySlot = grown(this.entryBySlot, slot + 1);
    const entry = this.size++;
    if (entry >= this.slots.length) this.growEntries();
    this.entryBySlot[slot] = entry + 1;
    this.slots[entry] = slot;
    this.kinds.push(kind);
    this.objects.push(bucket);
    if (bucket !== undefined) {
      this.requestIds.push(undefined);
      this.objectIds.push(undefined);
      this.clientKeys.push('');
      this.routes.push('');
    }
    return entry;
  }

  /** Turns a single-event entry into its object, for good (it is getting more). */
  private materialize(entry: number): BucketAggregate {
    const bucket = this.build(entry);
    this.objects[entry] = bucket;
    this.requestIds[entry] = undefined;
    this.objectIds[entry] = undefined;
    this.clientKeys[entry] = '';
    this.routes[entry] = '';
    return bucket;
  }

  private build(entry: number): BucketAggregate {
    const bucket = emptyBucket();
    addEventFields(
      bucket,
      this.kinds[entry] as EntityKind,
      this.status[entry] as number,
      this.bytes[entry] as number,
      this.latencyMs[entry],
      this.requestIds[entry],
      this.objectIds[entry],
      this.clientKeys[entry] as string,
      this.routes[entry] as string,
    );
    return bucket;
  }

  private growEntries(): void {
    const capacity = this.slots.length * 2;
    this.slots = grown(this.slots, capacity);
    this.status = grown(this.status, capacity);
    this.bytes = grown(this.bytes, capacity);
    this.latencyMs = grown(this.latencyMs, capacity);
  }
}

function grown<T extends Int32Array | Float64Array>(array: T, minimum: number): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(minimum, array.length * 2));
  next.set(array);
  return next;
}
