// Anomaly lifecycle per (detector, entity): pending while its anomalous buckets have not yet
// lasted the detector's _FOR_SECONDS, then 'firing' once, 'updated' on a material change while it
// lasts, 'resolved' after N quiet buckets (more when the detector's _KEEP_FIRING_SECONDS asks for
// a longer quiet: hysteresis, so an intermittent problem stays one incident), the same id
// throughout; then a cool-down during which the same pair cannot fire again.

import type { Anomaly, Severity } from '@vigil/contract';
import type { BucketAggregate } from './bucket';
import type { DetectionConfig, DetectorName } from './config';
import type { EntityRef, Finding } from './detectors/detector';
import { severityOf } from './maths/score';
import { hashString } from './sketch/distinct-counter';
import { topEntries } from './sketch/top-k';

const EVIDENCE_TOP = 5;
const RECENT_VALUES = 12;
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export interface IncidentState {
  key: string;
  /** The last published record (never mutated once returned). */
  anomaly: Anomaly;
  lastAnomalousIndex: number;
  /** Observed values of the incident's anomalous buckets, oldest first. */
  recent: number[];
}

/** Deterministic, so every detector instance (and a restarted one) names an incident the same way. */
function incidentId(detector: string, entityKey: string, startedAt: number): string {
  const text = `${detector}\0${entityKey}\0${startedAt}`;
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `${hex(hashString(text))}${hex(hashString(`${text}\0salt`))}`;
}

function sampleIds(bucket: BucketAggregate, which: Finding['samples']): string[] {
  if (which === 'errors' && bucket.errorSampleIds.length > 0) return [...bucket.errorSampleIds];
  if (which === 'auth' && bucket.authSampleIds.length > 0) return [...bucket.authSampleIds];
  return [...bucket.sampleIds];
}

interface PendingStreak {
  first: number;
  last: number;
}

export interface IncidentTrackerState {
  incidents: IncidentState[];
  cooldowns: Array<[string, number]>;
  /** Pending streaks: key, first and last anomalous bucket index (absent in older checkpoints). */
  pending?: Array<[string, number, number]>;
}

export interface FindingContext {
  detector: DetectorName;
  entityKey: string;
  entity: EntityRef;
  finding: Finding;
  bucket: BucketAggregate;
  bucketStart: number;
  bucketIndex: number;
}

export class IncidentTracker {
  private readonly incidents = new Map<string, IncidentState>();
  private readonly cooldownUntil = new Map<string, number>();
  /** Pairs anomalous in every bucket from `first` to `last` that have not lasted _FOR_SECONDS yet. */
  private readonly pending = new Map<string, PendingStreak>();
  private readonly bucketMs: number;

  constructor(
    private readonly config: DetectionConfig,
    state?: IncidentTrackerState,
  ) {
    this.bucketMs = config.bucketSeconds * 1000;
    for (const incident of state?.incidents ?? []) this.incidents.set(incident.key, incident);
    for (const [key, until] of state?.cooldowns ?? []) this.cooldownUntil.set(key, until);
    for (const [key, first, last] of state?.pending ?? []) this.pending.set(key, { first, last });
  }

  get active(): number {
    return this.incidents.size;
  }

  /** Whether the detector has an incident open on the entity (by its entityKey). */
  isOpen(detector: DetectorName, entityKey: string): boolean {
    return this.incidents.has(`${detector}\0${entityKey}`);
  }

  /** Records an anomalous bucket; returns the anomaly to publish, if any. */
  report(ctx: FindingContext): Anomaly | undefined {
    const key = `${ctx.detector}\0${ctx.entityKey}`;
    const current = this.incidents.get(key);
    if (current === undefined) {
      if ((this.cooldownUntil.get(key) ?? -Infinity) > ctx.bucketIndex) return undefined;
      const first = this.lastedLongEnough(key, ctx);
      if (first === undefined) return undefined;
      const recent = [ctx.finding.expected, ctx.finding.observed];
      const anomaly = this.build(ctx, 'firing', first * this.bucketMs, recent);
      this.incidents.set(key, { key, anomaly, lastAnomalousIndex: ctx.bucketIndex, recent });
      return anomaly;
    }
    current.lastAnomalousIndex = Math.max(current.lastAnomalousIndex, ctx.bucketIndex);
    const previous = current.anomaly;
    const recent = [...current.recent, ctx.finding.observed].slice(-RECENT_VALUES);
    current.recent = recent;
    const severity = this.severityOf(ctx.finding);
    // A value that has not moved at all has not moved, also at 0 (an outage: 0 against 0 every bucket).
    const change = Math.abs(ctx.finding.observed - previous.observed);
    const moved = change > 0 && change >= this.config.updateChangeRatio * Math.abs(previous.observed);
    if (SEVERITY_RANK[severity] <= SEVERITY_RANK[previous.severity] && !moved) return undefined;
    current.anomaly = this.build(ctx, 'updated', previous.startedAt, recent, previous.id);
    return current.anomaly;
  }

  /**
   * The first bucket of the pair's streak of anomalous buckets once it has lasted more than the
   * detector's _FOR_SECONDS, else undefined (and the streak is recorded as pending).
   */
  private lastedLongEnough(key: string, ctx: FindingContext): number | undefined {
    const forSeconds = this.config.detectors[ctx.detector].forSeconds;
    if (forSeconds <= 0) return ctx.bucketIndex;
    let streak = this.pending.get(key);
    if (streak === undefined || ctx.bucketIndex > streak.last + 1) {
      streak = { first: ctx.bucketIndex, last: ctx.bucketIndex };
      this.pending.set(key, streak);
    }
    streak.last = Math.max(streak.last, ctx.bucketIndex);
    if ((streak.last - streak.first + 1) * this.config.bucketSeconds <= forSeconds) return undefined;
    this.pending.delete(key);
    return streak.first;
  }

  /** Quiet buckets after which an incident of `detector` resolves. */
  private quietBucketsToResolve(detector: DetectorName): number {
    const keepFiringBuckets = Math.ceil(this.config.detectors[detector].keepFiringSeconds / this.config.bucketSeconds);
    return Math.max(this.config.resolveAfterBuckets, keepFiringBuckets);
  }

  /** Resolves incidents quiet long enough as of the bucket just closed; forgets broken pending streaks. */
  resolveQuiet(bucketIndex: number): Anomaly[] {
    for (const [key, streak] of this.pending) if (streak.last < bucketIndex) this.pending.delete(key);
    const resolved: Anomaly[] = [];
    for (const [key, incident] of this.incidents) {
      const last = incident.anomaly;
      const detector = last.detector as DetectorName;
      const quietBuckets = this.quietBucketsToResolve(detector);
      if (bucketIndex - incident.lastAnomalousIndex < quietBuckets) continue;
      this.incidents.delete(key);
      const cooldownBuckets = Math.ceil(this.config.detectors[detector].cooldownSeconds / this.config.bucketSeconds);
      this.cooldownUntil.set(key, bucketIndex + cooldownBuckets);
      const start = bucketIndex * this.bucketMs;
      resolved.push({
        ...last,
        state: 'resolved',
        window: { start, end: start + this.bucketMs },
        summary: `Resolved after ${quietBuckets} quiet buckets; the last anomalous one: ${last.summary}`,
        evidence: { ...last.evidence, recent: [...incident.recent] },
      });
    }
    for (const [key, until] of this.cooldownUntil) if (until <= bucketIndex) this.cooldownUntil.delete(key);
    return resolved;
  }

  private severityOf(finding: Finding): Severity {
    return finding.severity ?? severityOf(finding.score, this.config);
  }

  /** `startedAt`: the start of the incident's first anomalous bucket, which a pending streak puts before the one it fires in. */
  private build(ctx: FindingContext, state: 'firing' | 'updated', startedAt: number, recent: number[], id?: string): Anomaly {
    const { finding, entity, bucket } = ctx;
    return {
      v: 1,
      id: id ?? incidentId(ctx.detector, ctx.entityKey, startedAt),
      detector: ctx.detector,
      entity: entity.service === undefined ? { kind: entity.kind, key: entity.key } : { kind: entity.kind, key: entity.key, service: entity.service },
      signal: finding.signal,
      window: { start: ctx.bucketStart, end: ctx.bucketStart + this.bucketMs },
      observed: finding.observed,
      expected: finding.expected,
      score: finding.score,
      severity: this.severityOf(finding),
      state,
      startedAt,
      summary: finding.summary,
      evidence: {
        topRoutes: topEntries(bucket.topRoutes, EVIDENCE_TOP),
        topClients: topEntries(bucket.topClients, EVIDENCE_TOP),
        sampleRequestIds: sampleIds(bucket, finding.samples),
        recent: [...recent],
      },
    };
  }

  toState(): IncidentTrackerState {
    return {
      incidents: [...this.incidents.values()],
      cooldowns: [...this.cooldownUntil],
      pending: [...this.pending].map(([key, { first, last }]): [string, number, number] => [key, first, last]),
    };
  }
}
