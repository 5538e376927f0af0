// The detection engine: events (or partial aggregates) go into event-time buckets per entity;
// advanceTo(watermark) scores every bucket whose end the watermark passed, updates the baselines
// and returns the anomalies to publish. Pure: no I/O, never reads the clock.

import type { Anomaly, ApiAccessEvent, EntityKind } from '@vigil/contract';
import { ENTITY_KINDS, VigilError } from '@vigil/contract';
import { emptyBucket, routeKey, type BucketAggregate } from './bucket';
import { BucketStore } from './bucket-store';
import type { DetectionConfig } from './config';
import { isLapsed, recordBurst, type BurstRecurrence, type RecurrenceShape } from './burst-recurrence';
import type { BaselineView, Detector, DetectorInput, EntityRef, Finding } from './detectors/detector';
import { ewAlpha } from './detectors/slow-ramp';
import { DETECTORS } from './detectors/registry';
import { EntityTable, STAT, isDense, kindCode, localKey, type EntityTableState } from './entity-table';
import { alphaForHalfLife, countSd, decayByFactor, robustStep, warmAlpha, winsorize } from './ew-stats';
import { extendFailureRun, type FailureRun } from './failure-run';
import { IncidentTracker, type IncidentState } from './incident-tracker';
import { emptySeasonalProfile, seasonalExpected, updateSeasonal, type SeasonalProfile } from './seasonal-profile';
import { distinctCount } from './sketch/distinct-counter';
import { latencyQuantile } from './sketch/latency-sketch';

export interface EngineState {
  v: 1;
  bucketSeconds: number;
  watermark: number | null;
  nextToClose: number | null;
  lateEvents: number;
  evictedEntities: number;
  entities: EntityTableState;
  seasonal: Array<[string, SeasonalProfile]>;
  buckets: Array<[number, Array<[string, BucketAggregate]>]>;
  incidents: IncidentState[];
  cooldowns: Array<[string, number]>;
  /** Pending streaks of anomalous buckets, see IncidentTrackerState (absent in older checkpoints). */
  pending?: Array<[string, number, number]>;
  /** Routes and services by id -> consecutive quiet buckets (absent in checkpoints taken before it existed). */
  quiet?: Array<[string, number]>;
  /** Routes and services by id -> their run of failing buckets, 5xx and 401/403 (absent in older checkpoints). */
  errorRuns?: Array<[string, FailureRun]>;
  authRuns?: Array<[string, FailureRun]>;
  /** Entities by id -> their hourly recurring traffic spike (absent in older checkpoints). */
  recurrences?: Array<[string, BurstRecurrence]>;
}

export interface EngineStats {
  entities: number;
  lateEvents: number;
  evictedEntities: number;
  openBuckets: number;
  activeAnomalies: number;
  /** Empty buckets passed over in leaps of event time since this engine was made (see emptyBucketsPerAdvance). */
  skippedBuckets: number;
}

/** Buckets with fewer latency samples than this do not feed the latency baseline. */
const LATENCY_BASELINE_MIN_SAMPLES = 5;
/** Byte deviations are floored at this share of the mean when winsorizing. */
const BYTES_MIN_RELATIVE_SD = 0.1;
const LATENCY_MIN_LOG_SD = 0.1;
/**
 * After this many baseline half-lives of silence an entity's baselines keep 1/16 of what they knew:
 * judged against them, a client back after a night away would be a surge from next to nothing.
 */
const RESTART_AFTER_HALF_LIVES = 4;
const EMPTY_BUCKET: BucketAggregate = emptyBucket();
/** Distinct (route, method, service) keys cached before the cache starts over. */
const ROUTE_CACHE_LIMIT = 4096;
/** Seasonal profiles kept beyond twice the dense entities before those of evicted ones are dropped. */
const SEASONAL_SWEEP_SLACK = 1024;
/** Recurrence records kept before lapsed ones and those of evicted entities are dropped (then the oldest). */
const RECURRENCE_LIMIT = 4096;
/** observeAll warms the cache first for batches of at least this many events ... */
const WARM_BATCH_MIN = 16;
/** ... once this many entities are tracked (below it they fit in the cache anyway). */
export const WARM_ENTITIES_MIN = 100_000;

/** An event's route entity, keyed once per (route, method, service) instead of per event. */
interface RouteKeys {
  method: string;
  service: string;
  /** routeKey(event): "METHOD route". */
  key: string;
  /** The route entity's key in the entity table. */
  local: string;
}

/**
 * Empty buckets one advanceTo call closes one by one before it jumps to the next bucket with
 * events: enough for baselines to decay 16 half-lives (what a silence can still tell), within
 * bounds. Event time can leap by years (an old log, then live traffic; a sparse log replayed; a
 * detector back after a week down), and closing every empty bucket of the leap scores every route
 * and service in each: minutes of CPU with the event loop blocked. Skipped buckets are folded into
 * each baseline by its gap decay when the entity is next scored, as for a client's silent gap.
 */
function emptyBucketsPerAdvance(config: DetectionConfig): number {
  return Math.min(10_000, Math.max(60, Math.ceil((16 * config.baselineHalfLifeSeconds) / config.bucketSeconds)));
}

/** Decay of an EW mean over a silent gap; while warming up the running mean's (k + 1)/(n + 1). */
function gapDecay(alpha: number, gap: number, runningMeanFactor: number): number {
  return Math.min(Math.pow(1 - alpha, gap), runningMeanFactor);
}

/** A count winsorized at k Poisson-or-wider deviations (k = Infinity: unclamped). */
function clampCount(x: number, mean: number, variance: number, k: number): number {
  return k === Infinity ? x : winsorize(x, mean, countSd(mean, variance), k);
}

export class DetectionEngine {
  private readonly bucketMs: number;
  private readonly latenessMs: number;
  private readonly alpha: number;
  private readonly alphaRampLong: number;
  /** Buckets of silence after which an entity's baselines start afresh (decaySilentGap). */
  private readonly restartAfterBuckets: number;
  /** Dense slot -> consecutive closed buckets without its events (absent: 0). */
  private readonly quietBuckets = new Map<number, number>();
  /** Dense slot -> its run of buckets failing at the error-surge (5xx) and auth-failure-surge (401/403) min ratio. */
  private readonly errorRuns = new Map<number, FailureRun>();
  private readonly authRuns = new Map<number, FailureRun>();
  /** A failure run weighs at most one baseline half-life of buckets. */
  private readonly runCapBuckets: number;
  private readonly alphaRampShort: number;
  private readonly alphaSeasonal: number;
  /** Hourly recurring traffic spikes: undefined when VIGIL_RECURRING_BURST_HOURS is 0. */
  private readonly recurrenceShape: RecurrenceShape | undefined;
  /** Entity id -> its recurring traffic spike; only for entities that spiked, at most RECURRENCE_LIMIT. */
  private readonly recurrences = new Map<string, BurstRecurrence>();
  private readonly maxEmptyBuckets: number;
  private readonly detectorsByKind: Record<EntityKind, Detector[]>;
  private readonly table: EntityTable;
  private readonly incidents: IncidentTracker;
  private readonly seasonal = new Map<string, SeasonalProfile>();
  /**
   * Open and retained buckets: bucket start -> entity slot -> aggregate. Keyed by slot, not id, so
   * an event costs one lookup of its entity key (in the table) and closing a bucket none: with a
   * million entities nearly every event opens a bucket, and each key lookup in the big table is a
   * cache miss. Entities with buckets here are never evicted, so their slots stay theirs.
   */
  private readonly buckets = new Map<number, BucketStore>();
  /** event.request.route -> the route entities seen with it. */
  private readonly routeKeys = new Map<string, RouteKeys[]>();
  private routeKeyCount = 0;
  /** Bucket start -> slots amended after the bucket was scored. */
  private readonly dirty = new Map<number, Set<number>>();
  /** observeAll's scratch: the batch's client keys, and their hashes, then their likely slots. */
  private readonly warmKeys: string[] = [];
  private warmSlots = new Int32Array(256);
  /** Written by observeAll's warm reads so they are not optimized away. */
  private warmed = 0;
  private readonly view: BaselineView = {
    trackedBuckets: 0, warm: false, expectedRequests: 0, requestVariance: 0, errorMean: 0, authFailureMean: 0,
    requestMean: 0, bytesMean: 0, bytesVariance: 0, objectIdsMean: 0, objectIdsVariance: 0, latencyLogMean: 0,
    latencyLogVariance: 0, latencyBuckets: 0, rampLong: 0, rampShort: 0, errorRun: undefined, authRun: undefined,
  };
  /** One detector input, refilled per call (detectors keep none of it). */
  private readonly input: DetectorInput;
  private watermark = -Infinity;
  private nextToClose: number | undefined;
  private lateEvents = 0;
  private skippedBuckets = 0;

  constructor(
    private readonly config: DetectionConfig,
    state?: EngineState,
  ) {
    this.bucketMs = config.bucketSeconds * 1000;
    this.latenessMs = config.allowedLatenessSeconds * 1000;
    this.alpha = alphaForHalfLife(config.baselineHalfLifeSeconds / config.bucketSeconds);
    this.restartAfterBuckets = Math.max(config.warmupBuckets, Math.ceil((RESTART_AFTER_HALF_LIVES * config.baselineHalfLifeSeconds) / config.bucketSeconds));
    this.alphaRampLong = ewAlpha(config.slowRampLongHalfLifeSeconds, config.bucketSeconds);
    this.alphaRampShort = ewAlpha(config.slowRampShortHalfLifeSeconds, config.bucketSeconds);
    this.alphaSeasonal = alphaForHalfLife((config.seasonalityHalfLifeDays * 3600) / config.bucketSeconds);
    this.maxEmptyBuckets = emptyBucketsPerAdvance(config);
    this.recurrenceShape =
      config.recurringBurstHours > 0
        ? { period: Math.max(1, Math.round(3600 / config.bucketSeconds)), tolerance: Math.max(1, Math.ceil(60 / config.bucketSeconds)), hours: config.recurringBurstHours }
        : undefined;
    this.runCapBuckets = Math.max(1, Math.round(config.baselineHalfLifeSeconds / config.bucketSeconds));
    this.input = { entity: { kind: 'client', key: '' }, bucket: EMPTY_BUCKET, baseline: this.view, config, settings: config.detectors['traffic-spike'] };
    this.detectorsByKind = { client: [], ip: [], route: [], service: [] };
    for (const detector of DETECTORS) {
      if (!config.detectors[detector.name].enabled) continue;
      for (const kind of detector.kinds) this.detectorsByKind[kind].push(detector);
    }
    if (state !== undefined && state.bucketSeconds !== config.bucketSeconds) {
      throw new VigilError(
        'VIGIL_STATE_INVALID',
        `checkpoint was taken with VIGIL_BUCKET_SECONDS=${state.bucketSeconds}, now ${config.bucketSeconds}; restore it with the same bucket width or start without it`,
      );
    }
    this.table = state ? EntityTable.fromState(state.entities, config.maxEntities, state.evictedEntities) : new EntityTable(config.maxEntities);
    this.incidents = new IncidentTracker(config, state);
    if (state !== undefined) {
      this.watermark = state.watermark ?? -Infinity;
      this.nextToClose = state.nextToClose ?? undefined;
      this.lateEvents = state.lateEvents;
      for (const [id, profile] of state.seasonal) this.seasonal.set(id, profile);
      for (const [id, quiet] of state.quiet ?? []) {
        const slot = this.table.slotOf(id);
        if (slot >= 0) this.quietBuckets.set(slot, quiet);
      }
      this.restoreRuns(this.errorRuns, state.errorRuns);
      this.restoreRuns(this.authRuns, state.authRuns);
      for (const [id, record] of state.recurrences ?? []) this.recurrences.set(id, { ...record });
      for (const [start, entries] of state.buckets) {
        const index = start / this.bucketMs;
        const store = new BucketStore(this.table.capacity);
        for (const [id, bucket] of entries) {
          const slot = this.table.touch(id, index, this.protectedFrom());
          store.put(slot, this.table.kindOf(slot), bucket);
        }
        this.buckets.set(start, store);
      }
    }
  }

  /** Counts one event for the entity kinds this instance owns (default: all). */
  observe(event: ApiAccessEvent, kinds: readonly EntityKind[] = ENTITY_KINDS): void {
    const start = this.bucketStartOf(event.time);
    const entries = this.entriesFor(start);
    if (entries === undefined) return;
    const route = this.routeKeysOf(event);
    const index = start / this.bucketMs;
    const protectFrom = this.protectedFrom();
    for (const kind of kinds) {
      if (kind === 'ip' && event.client.key === event.client.ip) continue;
      const slot = this.table.touchKey(kindCode(kind), this.keyOf(kind, event, route), index, protectFrom);
      entries.addEvent(slot, kind, event, route.key);
      this.markIfAmended(start, slot);
    }
  }

  /**
   * observe() for each event of a batch (a record's events): with many tracked clients it first
   * brings the clients' index entries and rows into the cache for the whole batch at once.
   */
  observeAll(events: readonly ApiAccessEvent[], kinds: readonly EntityKind[] = ENTITY_KINDS): void {
    if (events.length >= WARM_BATCH_MIN && this.table.size >= WARM_ENTITIES_MIN && kinds.includes('client')) {
      if (this.warmSlots.length < events.length) this.warmSlots = new Int32Array(events.length);
      this.warmKeys.length = events.length;
      for (let i = 0; i < events.length; i++) this.warmKeys[i] = (events[i] as ApiAccessEvent).client.key;
      let sum = this.table.warmKeys(kindCode('client'), this.warmKeys, this.warmSlots);
      // The batch's events mostly fall in one bucket: its entry column is the next miss.
      const store = this.buckets.get(this.bucketStartOf((events[0] as ApiAccessEvent).time));
      if (store !== undefined) {
        for (let i = 0; i < events.length; i++) {
          const slot = this.warmSlots[i] as number;
          if (slot >= 0) sum ^= store.entryOf(slot);
        }
      }
      this.warmed ^= sum;
    }
    for (const event of events) this.observe(event, kinds);
  }

  /** Merges a partial aggregate of one entity's bucket (from repartition.v1 or another instance). */
  observePartial(entity: EntityRef, bucketStart: number, partial: BucketAggregate): void {
    const start = this.bucketStartOf(bucketStart);
    const entries = this.entriesFor(start);
    if (entries === undefined) return;
    const slot = this.table.touchKey(kindCode(entity.kind), localKey(entity.kind, entity.key, entity.service), start / this.bucketMs, this.protectedFrom());
    entries.addPartial(slot, entity.kind, partial);
    this.markIfAmended(start, slot);
  }

  /** Scores every bucket whose end is at or before the watermark; returns anomalies in order. */
  advanceTo(watermarkMs: number): Anomaly[] {
    if (watermarkMs > this.watermark) this.watermark = watermarkMs;
    const out: Anomaly[] = [];
    for (const [start, slots] of this.dirty) {
      for (const slot of slots) this.rescore(start, slot, out);
    }
    this.dirty.clear();
    if (this.nextToClose === undefined) {
      if (this.buckets.size === 0) return out;
      this.nextToClose = Math.min(...this.buckets.keys());
    }
    let emptyRun = 0;
    while (this.nextToClose + this.bucketMs <= this.watermark) {
      const empty = !this.buckets.has(this.nextToClose);
      if (empty && emptyRun >= this.maxEmptyBuckets) {
        const end = this.endOfSilence(this.nextToClose);
        this.skippedBuckets += (end - this.nextToClose) / this.bucketMs;
        this.nextToClose = end;
        emptyRun = 0;
        continue;
      }
      emptyRun = empty ? emptyRun + 1 : 0;
      this.closeBucket(this.nextToClose, out);
      this.nextToClose += this.bucketMs;
    }
    for (const start of this.buckets.keys()) {
      if (start + this.bucketMs + this.latenessMs <= this.watermark && start < this.nextToClose) this.buckets.delete(start);
    }
    return out;
  }

  /** The first bucket after `from` that has events, or the watermark's own bucket (still open). */
  private endOfSilence(from: number): number {
    let end = this.bucketStartOf(this.watermark);
    for (const start of this.buckets.keys()) if (start > from && start < end) end = start;
    return end;
  }

  snapshot(): EngineState {
    const incidents = this.incidents.toState();
    return {
      v: 1,
      bucketSeconds: this.config.bucketSeconds,
      watermark: Number.isFinite(this.watermark) ? this.watermark : null,
      nextToClose: this.nextToClose ?? null,
      lateEvents: this.lateEvents,
      evictedEntities: this.table.evicted,
      entities: this.table.toState(),
      seasonal: [...this.seasonal],
      buckets: [...this.buckets].map(([start, store]) => [
        start,
        Array.from({ length: store.size }, (_, entry): [string, BucketAggregate] => [this.table.idOf(store.slotAt(entry)), store.bucketAt(entry)]),
      ]),
      incidents: incidents.incidents,
      cooldowns: incidents.cooldowns,
      pending: incidents.pending,
      quiet: [...this.quietBuckets].filter(([slot]) => this.table.denseSlots.has(slot)).map(([slot, quiet]): [string, number] => [this.table.idOf(slot), quiet]),
      errorRuns: this.runsState(this.errorRuns),
      authRuns: this.runsState(this.authRuns),
      recurrences: this.recurrencesState(),
    };
  }

  private runsState(runs: Map<number, FailureRun>): Array<[string, FailureRun]> {
    return [...runs].filter(([slot]) => this.table.denseSlots.has(slot)).map(([slot, run]): [string, FailureRun] => [this.table.idOf(slot), { ...run }]);
  }

  private recurrencesState(): Array<[string, BurstRecurrence]> {
    const shape = this.recurrenceShape;
    const now = this.nextToClose === undefined ? -Infinity : this.nextToClose / this.bucketMs;
    if (shape === undefined) return [];
    return [...this.recurrences]
      .filter(([id, record]) => this.table.slotOf(id) >= 0 && !isLapsed(record, now, shape))
      .map(([id, record]): [string, BurstRecurrence] => [id, { ...record }]);
  }

  private restoreRuns(runs: Map<number, FailureRun>, state: Array<[string, FailureRun]> | undefined): void {
    for (const [id, run] of state ?? []) {
      const slot = this.table.slotOf(id);
      if (slot >= 0) runs.set(slot, { ...run });
    }
  }

  stats(): EngineStats {
    return {
      entities: this.table.size,
      lateEvents: this.lateEvents,
      evictedEntities: this.table.evicted,
      openBuckets: this.buckets.size,
      activeAnomalies: this.incidents.active,
      skippedBuckets: this.skippedBuckets,
    };
  }

  private bucketStartOf(timeMs: number): number {
    return Math.floor(timeMs / this.bucketMs) * this.bucketMs;
  }

  /** The bucket's entries, or undefined (and counted) when the event is beyond allowed lateness. */
  private entriesFor(start: number): BucketStore | undefined {
    const tooLate = start + this.bucketMs + this.latenessMs <= this.watermark;
    let entries = this.buckets.get(start);
    if (tooLate || (entries === undefined && this.nextToClose !== undefined && start < this.nextToClose && !this.isRetained(start))) {
      this.lateEvents++;
      return undefined;
    }
    if (entries === undefined) {
      entries = new BucketStore(this.table.capacity);
      this.buckets.set(start, entries);
    }
    return entries;
  }

  /** A closed bucket still inside the allowed lateness (it may not have had any entries). */
  private isRetained(start: number): boolean {
    return start + this.bucketMs + this.latenessMs > this.watermark;
  }

  private markIfAmended(start: number, slot: number): void {
    if (this.nextToClose === undefined || start >= this.nextToClose) return;
    let slots = this.dirty.get(start);
    if (slots === undefined) {
      slots = new Set();
      this.dirty.set(start, slots);
    }
    slots.add(slot);
  }

  /** Entities with buckets still open or retained are never evicted. */
  private protectedFrom(): number {
    const oldest = this.nextToClose === undefined ? Infinity : this.nextToClose - this.latenessMs - this.bucketMs;
    return Math.floor(Math.min(oldest, this.watermark - this.latenessMs - this.bucketMs) / this.bucketMs);
  }

  /** The entity's key in the table (see localKey). */
  private keyOf(kind: EntityKind, event: ApiAccessEvent, route: RouteKeys): string {
    switch (kind) {
      case 'client':
        return event.client.key;
      case 'ip':
        return event.client.ip;
      case 'route':
        return route.local;
      case 'service':
        return route.service;
    }
  }

  /** routeKey(event) and the route entity's table key, built once per distinct route (and the same service string each time). */
  private routeKeysOf(event: ApiAccessEvent): RouteKeys {
    const { route, method } = event.request;
    let known = this.routeKeys.get(route);
    if (known !== undefined) {
      for (const keys of known) if (keys.method === method && keys.service === event.service) return keys;
    } else {
      if (this.routeKeyCount >= ROUTE_CACHE_LIMIT) {
        this.routeKeys.clear();
        this.routeKeyCount = 0;
      }
      known = [];
      this.routeKeys.set(route, known);
    }
    const key = routeKey(event);
    const keys: RouteKeys = { method, service: event.service, key, local: localKey('route', key, event.service) };
    known.push(keys);
    this.routeKeyCount++;
    return keys;
  }

  private closeBucket(start: number, out: Anomaly[]): void {
    const index = start / this.bucketMs;
    const entries = this.buckets.get(start);
    if (entries !== undefined) {
      for (let entry = 0; entry < entries.size; entry++) {
        const slot = entries.slotAt(entry);
        if (!this.table.isDense(slot)) this.score(slot, entries.viewAt(entry), start, false, out);
      }
    }
    for (const slot of this.table.denseSlots) {
      if (this.table.trackedBuckets(slot, index) < 0) continue;
      const bucket = entries?.viewOf(slot);
      // A route or service quiet for restartAfterBuckets is dormant: no more zeros are folded in (its
      // drop was reported when it began), and its return restarts its baselines as a client's does.
      const quiet = this.quietBuckets.get(slot) ?? 0;
      if (bucket === undefined) {
        this.quietBuckets.set(slot, quiet + 1);
        if (quiet >= this.restartAfterBuckets) {
          this.errorRuns.delete(slot);
          this.authRuns.delete(slot);
          continue;
        }
      } else {
        if (quiet > this.restartAfterBuckets) this.table.restart(slot, index);
        if (quiet > 0) this.quietBuckets.delete(slot);
      }
      this.score(slot, bucket ?? EMPTY_BUCKET, start, false, out);
    }
    out.push(...this.incidents.resolveQuiet(index));
  }

  private rescore(start: number, slot: number, out: Anomaly[]): void {
    const bucket = this.buckets.get(start)?.viewOf(slot);
    if (bucket !== undefined) this.score(slot, bucket, start, true, out);
  }

  /**
   * Scores one entity's bucket against its baseline as it was before the bucket, then (unless this
   * is a late amendment of a bucket already scored) folds the bucket into the baseline.
   */
  private score(slot: number, bucket: BucketAggregate, start: number, amendment: boolean, out: Anomaly[]): void {
    const index = start / this.bucketMs;
    if (!amendment) {
      if (this.table.scoredThrough(slot) >= index) return;
      this.decaySilentGap(slot, index);
    }
    const entity = this.table.refOf(slot);
    // Only dense entities (routes, services) have seasonal profiles, keyed by entity id.
    const seasonalId = isDense(entity.kind) ? this.table.idOf(slot) : undefined;
    this.fillView(slot, seasonalId, index, start);
    if (amendment) {
      // The runs already hold this bucket as first scored: a late event re-judges it alone.
      this.view.errorRun = undefined;
      this.view.authRun = undefined;
    }
    const input = this.input;
    input.entity = entity;
    input.bucket = bucket;
    // Built only for a finding: an id (and an incident key) per entity and bucket would cost the hot path.
    let entityKey: string | undefined;
    for (const detector of this.detectorsByKind[entity.kind]) {
      const settings = this.config.detectors[detector.name];
      input.settings = settings;
      const finding = detector.evaluate(input);
      if (finding === undefined || finding.score < settings.threshold) continue;
      entityKey ??= seasonalId ?? this.table.idOf(slot);
      if (detector.defersTo !== undefined && this.incidents.isOpen(detector.defersTo, entityKey)) continue;
      const judged = detector.name === 'traffic-spike' ? this.judgeRecurrence(entityKey, index, finding, amendment) : finding;
      const anomaly = this.incidents.report({
        detector: detector.name, entityKey, entity, finding: judged, bucket, bucketStart: start, bucketIndex: index,
      });
      if (anomaly !== undefined) out.push(anomaly);
    }
    if (!amendment) {
      if (seasonalId !== undefined) this.extendRuns(slot, bucket);
      this.updateBaseline(slot, seasonalId, bucket, index, start);
      this.table.setScoredThrough(slot, index);
    }
  }

  /**
   * Folds an anomalous traffic-spike bucket into the entity's recurrence record (a late amendment
   * re-judges it without folding it in twice); an expected recurrence of usual size is info.
   */
  private judgeRecurrence(entityKey: string, index: number, finding: Finding, amendment: boolean): Finding {
    const shape = this.recurrenceShape;
    if (shape === undefined) return finding;
    const { record, expected } = recordBurst(this.recurrences.get(entityKey), index, finding.observed, shape);
    if (!amendment) this.rememberRecurrence(entityKey, record, index, shape);
    if (!expected) return finding;
    const minute = String(Math.floor(((record.start * this.bucketMs) % 3_600_000) / 60_000)).padStart(2, '0');
    return { ...finding, severity: 'info', summary: `${finding.summary}; it recurs every hour at :${minute} (the last ${record.streak - 1} hours) at about this size` };
  }

  private rememberRecurrence(entityKey: string, record: BurstRecurrence, index: number, shape: RecurrenceShape): void {
    this.recurrences.set(entityKey, record);
    if (this.recurrences.size <= RECURRENCE_LIMIT) return;
    // Down to three quarters of the limit, so a storm of new spikes sweeps now and then, not on
    // every one: lapsed records and those of evicted entities first, then spikes seen only once,
    // then the oldest; a learned pattern outlives a flood of one-off spikes.
    const target = Math.floor((RECURRENCE_LIMIT * 3) / 4);
    for (const [id, kept] of this.recurrences) if (isLapsed(kept, index, shape) || this.table.slotOf(id) < 0) this.recurrences.delete(id);
    for (const [id, kept] of this.recurrences) {
      if (this.recurrences.size <= target) return;
      if (kept.streak <= 1 && id !== entityKey) this.recurrences.delete(id);
    }
    for (const id of this.recurrences.keys()) {
      if (this.recurrences.size <= target) return;
      if (id !== entityKey) this.recurrences.delete(id);
    }
  }

  private fillView(slot: number, seasonalId: string | undefined, index: number, start: number): void {
    const t = this.table;
    const v = this.view;
    v.trackedBuckets = t.trackedBuckets(slot, index);
    v.warm = v.trackedBuckets >= this.config.warmupBuckets;
    v.requestMean = t.stat(slot, STAT.requestMean);
    v.requestVariance = t.stat(slot, STAT.requestVariance);
    const profile = seasonalId === undefined ? undefined : this.seasonal.get(seasonalId);
    const seasonal = profile === undefined ? undefined : seasonalExpected(profile, start, 3_600_000 / this.bucketMs);
    v.expectedRequests = seasonal ?? v.requestMean;
    v.errorMean = t.stat(slot, STAT.errorMean);
    v.authFailureMean = t.stat(slot, STAT.authFailureMean);
    v.bytesMean = t.stat(slot, STAT.bytesMean);
    v.bytesVariance = t.stat(slot, STAT.bytesVariance);
    v.objectIdsMean = t.stat(slot, STAT.objectIdsMean);
    v.objectIdsVariance = t.stat(slot, STAT.objectIdsVariance);
    v.latencyLogMean = t.stat(slot, STAT.latencyLogMean);
    v.latencyLogVariance = t.stat(slot, STAT.latencyLogVariance);
    v.latencyBuckets = t.stat(slot, STAT.latencyBuckets);
    v.rampLong = t.stat(slot, STAT.rampLong);
    v.rampShort = t.stat(slot, STAT.rampShort);
    // Runs are kept for routes and services only; a slot in its first bucket (new, or reused after
    // an eviction) has none yet.
    const runs = seasonalId !== undefined && v.trackedBuckets > 0;
    v.errorRun = runs ? this.errorRuns.get(slot) : undefined;
    v.authRun = runs ? this.authRuns.get(slot) : undefined;
  }

  /** Folds a route's or service's bucket into its failure runs; the view still holds the baseline from before it. */
  private extendRuns(slot: number, bucket: BucketAggregate): void {
    const v = this.view;
    const learned = v.warm && v.requestMean > 0;
    const errorShare = learned ? v.errorMean / v.requestMean : -1;
    const authShare = learned ? v.authFailureMean / v.requestMean : -1;
    const detectors = this.config.detectors;
    this.setRun(this.errorRuns, slot, extendFailureRun(v.errorRun, bucket.status5xx, bucket.requests, detectors['error-surge'].minRatio, errorShare, this.runCapBuckets));
    this.setRun(this.authRuns, slot, extendFailureRun(v.authRun, bucket.authFailures, bucket.requests, detectors['auth-failure-surge'].minRatio, authShare, this.runCapBuckets));
  }

  private setRun(runs: Map<number, FailureRun>, slot: number, run: FailureRun | undefined): void {
    if (run === undefined) runs.delete(slot);
    else runs.set(slot, run);
  }

  /**
   * Folds the buckets an entity was silent in (zero requests) into its count baselines at once; after
   * a silence of restartAfterBuckets or more, starts them afresh instead (EntityTable.restart).
   */
  private decaySilentGap(slot: number, index: number): void {
    const t = this.table;
    const last = t.scoredThrough(slot);
    const gap = index - last - 1;
    if (gap <= 0) return;
    if (gap >= this.restartAfterBuckets) {
      t.restart(slot, index);
      return;
    }
    // While warming up the running mean is used; its decay over the gap is (k + 1) / (n + 1).
    const seenBefore = t.trackedBuckets(slot, last) + 1;
    const runningMeanFactor = seenBefore / (seenBefore + gap);
    const f = gapDecay(this.alpha, gap, runningMeanFactor);
    this.decayPair(slot, STAT.requestMean, STAT.requestVariance, f);
    this.decayPair(slot, STAT.bytesMean, STAT.bytesVariance, f);
    this.decayPair(slot, STAT.objectIdsMean, STAT.objectIdsVariance, f);
    t.setStat(slot, STAT.errorMean, t.stat(slot, STAT.errorMean) * f);
    t.setStat(slot, STAT.authFailureMean, t.stat(slot, STAT.authFailureMean) * f);
    t.setStat(slot, STAT.rampLong, t.stat(slot, STAT.rampLong) * gapDecay(this.alphaRampLong, gap, runningMeanFactor));
    t.setStat(slot, STAT.rampShort, t.stat(slot, STAT.rampShort) * gapDecay(this.alphaRampShort, gap, runningMeanFactor));
  }

  private decayPair(slot: number, meanColumn: number, varianceColumn: number, f: number): void {
    const [m, v] = decayByFactor(this.table.stat(slot, meanColumn), this.table.stat(slot, varianceColumn), f);
    this.table.setStat(slot, meanColumn, m);
    this.table.setStat(slot, varianceColumn, v);
  }

  private updateBaseline(slot: number, seasonalId: string | undefined, bucket: BucketAggregate, index: number, start: number): void {
    const t = this.table;
    const k = this.config.winsorSigma;
    const n = t.trackedBuckets(slot, index);
    const warm = n >= this.config.warmupBuckets;
    const a = warmAlpha(this.alpha, n);
    // Before warm-up there is no baseline to protect; after it, outliers move it by at most α·k·sd.
    const kw = warm ? k : Infinity;

    const reqMean = t.stat(slot, STAT.requestMean);
    const reqVar = t.stat(slot, STAT.requestVariance);
    this.step(slot, STAT.requestMean, STAT.requestVariance, bucket.requests, a, countSd(reqMean, reqVar), kw);
    const errorMean = t.stat(slot, STAT.errorMean);
    t.setStat(slot, STAT.errorMean, errorMean + a * (clampCount(bucket.status5xx, errorMean, errorMean, kw) - errorMean));
    const authMean = t.stat(slot, STAT.authFailureMean);
    t.setStat(slot, STAT.authFailureMean, authMean + a * (clampCount(bucket.authFailures, authMean, authMean, kw) - authMean));

    const bytesMean = t.stat(slot, STAT.bytesMean);
    const bytesSd = Math.max(Math.sqrt(t.stat(slot, STAT.bytesVariance)), BYTES_MIN_RELATIVE_SD * bytesMean, 1);
    this.step(slot, STAT.bytesMean, STAT.bytesVariance, bucket.bytes, a, bytesSd, kw);

    if (bucket.objectIds !== undefined || t.stat(slot, STAT.objectIdsMean) > 0) {
      const ids = bucket.objectIds === undefined ? 0 : distinctCount(bucket.objectIds);
      const m = t.stat(slot, STAT.objectIdsMean);
      this.step(slot, STAT.objectIdsMean, STAT.objectIdsVariance, ids, a, countSd(m, t.stat(slot, STAT.objectIdsVariance)), kw);
    }

    this.updateLatency(slot, bucket);

    const long = t.stat(slot, STAT.rampLong);
    t.setStat(slot, STAT.rampLong, long + warmAlpha(this.alphaRampLong, n) * (clampCount(bucket.requests, long, reqVar, kw) - long));
    const short = t.stat(slot, STAT.rampShort);
    t.setStat(slot, STAT.rampShort, short + warmAlpha(this.alphaRampShort, n) * (bucket.requests - short));

    if (this.config.seasonality && seasonalId !== undefined) {
      let profile = this.seasonal.get(seasonalId);
      if (profile === undefined) {
        profile = emptySeasonalProfile();
        this.seasonal.set(seasonalId, profile);
        if (this.seasonal.size > 2 * this.table.denseSlots.size + SEASONAL_SWEEP_SLACK) this.forgetEvictedSeasonal();
      }
      updateSeasonal(profile, start, bucket.requests, this.alphaSeasonal);
    }
  }

  /**
   * Drops the profiles of entities the table evicted: route entities come and go with clients'
   * methods and paths, and a profile kept for each would grow without bound under VIGIL_MAX_ENTITIES.
   * Run when the profiles outnumber twice the dense entities, so it costs O(1) per profile made.
   */
  private forgetEvictedSeasonal(): void {
    for (const id of this.seasonal.keys()) if (this.table.slotOf(id) < 0) this.seasonal.delete(id);
  }

  private updateLatency(slot: number, bucket: BucketAggregate): void {
    if (bucket.latency.count < LATENCY_BASELINE_MIN_SAMPLES) return;
    const t = this.table;
    const q = latencyQuantile(bucket.latency, this.config.latencyQuantile) as number;
    const x = Math.log(Math.max(q, 1));
    const seen = t.stat(slot, STAT.latencyBuckets);
    const mean = t.stat(slot, STAT.latencyLogMean);
    const sd = Math.max(Math.sqrt(t.stat(slot, STAT.latencyLogVariance)), LATENCY_MIN_LOG_SD);
    const k = seen >= this.config.warmupBuckets ? this.config.winsorSigma : Infinity;
    this.step(slot, STAT.latencyLogMean, STAT.latencyLogVariance, x, warmAlpha(this.alpha, seen), sd, k);
    t.setStat(slot, STAT.latencyBuckets, seen + 1);
  }

  /** A robustStep (winsorized at k·sd, k = Infinity before warm-up) of one mean and variance column pair. */
  private step(slot: number, meanColumn: number, varianceColumn: number, x: number, a: number, sd: number, k: number): void {
    const [m, v] = robustStep(this.table.stat(slot, meanColumn), this.table.stat(slot, varianceColumn), x, a, sd, k);
    this.table.setStat(slot, meanColumn, m);
    this.table.setStat(slot, varianceColumn, v);
  }
}
