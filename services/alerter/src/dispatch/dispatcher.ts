// Turns a stream of anomalies into alert notifications: the first of a new alert goes out at once,
// later material changes (severity up, resolution) are batched by group wait and group interval,
// and a still-firing alert is repeated after the repeat interval. One incident, a few messages.
// The state is plain data so it can be persisted on notifications.v1 and restored after a restart;
// idempotency keys are derived from it, so a notification re-emitted after a crash has the same key.
// Each group belongs to the anomalies.v1 partition of its latest anomaly: the instance assigned that
// partition holds it (adopt) and the others do not (release), so one instance sends its reminders.
// Silences are checked here, when a notification is made, as Alertmanager does at each flush: news
// a silence muted is announced once no silence matches any more, and the resolution of an
// incident whose every firing notification was muted is not sent at all.
// Correlation: a new group that shares the client, route or service (VIGIL_CORRELATE_BY) of an
// open incident joins it instead of paging on its own; the incident's lead group announces it in
// a batched update listing every alert it covers, and resolves once all of them are over. Only
// groups this instance holds correlate, so with several instances an incident spans the
// partitions of one instance; a member whose lead went to another instance goes on on its own.

import { createHash } from 'node:crypto';
import type { Anomaly, Severity } from '@vigil/contract';
import type { Notification, NotificationKind } from '@vigil/notifiers';
import { correlationKeys, NO_CORRELATION, RELATED_MAX, type CorrelationSettings } from './correlation';

export interface DispatchTiming {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

export interface AlertGroupState {
  groupKey: string;
  /** The anomalies.v1 partition of the group's latest anomaly: its owner keeps the group. */
  partition: number;
  /** The anomaly that opened this incident, and its window start: the incident's identity. */
  incidentId: string;
  openedAtWindow: number;
  latest: Anomaly;
  /** Anomalies seen in the group so far. */
  size: number;
  /** Notifications emitted so far; part of each idempotency key. */
  seq: number;
  lastSentAt: number;
  notifiedSeverity: Severity;
  /** Highest severity announced in this incident: the resolution goes where the worst news went. */
  peakSeverity: Severity;
  /** A material change waiting for group wait / group interval. */
  pending?: { kind: 'updated' | 'resolved'; since: number };
  /** True once the resolution went out: the group is over. */
  closed: boolean;
  /** The latest firing or update was muted: it is announced once no silence matches. */
  unannounced?: boolean;
  /** No firing or update of this incident got past the silences, so channels never heard of it: no resolution either. */
  neverAnnounced?: boolean;
  /** Correlation, on a member: the group whose notifications announce this one; it sends none of its own while that group is held here. */
  leadKey?: string;
  /** Correlation, on a lead: the latest anomaly of each other group of the incident, in the order they joined. */
  related?: Array<{ groupKey: string; anomaly: Anomaly }>;
  /** Correlation, on a lead: its own anomaly resolved while related ones fire; the incident resolves with the last of them. */
  selfResolved?: boolean;
}

/** The id of a silence muting this anomaly at `now`, if any. */
export type MutedBy = (anomaly: Anomaly, now: number) => string | undefined;

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

function keyHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function idempotencyKey(group: AlertGroupState, kind: NotificationKind): string {
  return `${keyHash(group.groupKey)}:${group.incidentId}@${group.openedAtWindow}:${group.seq}:${kind}`;
}

/** A notification plus the severity that picks its channels. */
export interface DispatchedNotification extends Notification {
  routeSeverity: Severity;
  /** The silence that muted it when it was made: recorded as silenced, sent nowhere. */
  silenceId?: string;
}

function higher(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** The state of a group opened by `anomaly` at `now`. */
function newGroup(groupKey: string, anomaly: Anomaly, now: number, partition: number): AlertGroupState {
  return {
    groupKey,
    partition,
    incidentId: anomaly.id,
    openedAtWindow: anomaly.window.start,
    latest: anomaly,
    size: 1,
    seq: 0,
    lastSentAt: now,
    notifiedSeverity: anomaly.severity,
    peakSeverity: anomaly.severity,
    closed: false,
  };
}

export class Dispatcher {
  private readonly groups = new Map<string, AlertGroupState>();
  private readonly dirty = new Map<string, AlertGroupState>();
  /** Each anomaly's correlation keys, worked out once. */
  private readonly keysOf = new WeakMap<Anomaly, readonly string[]>();
  /**
   * Correlation key → the groups whose latest anomaly had it when they were indexed, so a new alert
   * looks only at the groups it may join, not at every open group (an alert storm of thousands of
   * clients would otherwise cost time quadratic in them). Entries are checked when read and dropped
   * when stale; the whole index is rebuilt when it outgrows the groups.
   */
  private readonly byCorrelationKey = new Map<string, Set<string>>();
  private indexEntries = 0;

  constructor(
    private readonly timing: DispatchTiming,
    private readonly groupKeyOf: (anomaly: Anomaly) => string,
    private readonly mutedBy: MutedBy = () => undefined,
    private readonly correlation: CorrelationSettings = NO_CORRELATION,
  ) {}

  /** Takes over restored groups (of partitions just assigned); a group already held stays as it is. */
  adopt(restored: readonly AlertGroupState[]): number {
    let adopted = 0;
    for (const group of restored) {
      if (group.closed || this.groups.has(group.groupKey)) continue;
      const copy = structuredClone(group);
      this.groups.set(group.groupKey, copy);
      this.index(copy);
      adopted++;
    }
    return adopted;
  }

  /** Forgets the groups of partitions another instance owns now (their state is on notifications.v1). */
  release(partitions: ReadonlySet<number>): number {
    let released = 0;
    for (const [groupKey, group] of this.groups) {
      if (!partitions.has(group.partition)) continue;
      this.groups.delete(groupKey);
      this.dirty.delete(groupKey);
      released++;
    }
    // A lead waiting only for members that went to another instance is over here.
    for (const group of this.groups.values()) {
      if (group.selfResolved === true && group.pending?.kind !== 'resolved' && !this.hasOpenMembers(group)) {
        group.pending = { kind: 'resolved', since: group.pending?.since ?? group.lastSentAt };
        this.dirty.set(group.groupKey, group);
      }
    }
    return released;
  }

  /** Adds one anomaly that arrived on `partition`; returns what must go out now (at most one notification). */
  ingest(anomaly: Anomaly, now: number, partition: number): DispatchedNotification[] {
    const groupKey = this.groupKeyOf(anomaly);
    const group = this.groups.get(groupKey);
    if (group === undefined) {
      if (anomaly.state === 'resolved') return [];
      const lead = this.incidentFor(anomaly, now);
      return lead === undefined ? this.open(groupKey, anomaly, now, partition) : this.join(lead, groupKey, anomaly, now, partition);
    }
    group.latest = anomaly;
    this.index(group);
    group.partition = partition;
    group.size += 1;
    const lead = this.leadOf(group);
    if (lead !== undefined) return this.memberChanged(lead, group, now);
    if (anomaly.state === 'resolved' && this.hasOpenMembers(group)) {
      group.selfResolved = true;
    } else if (anomaly.state === 'resolved') {
      group.pending = { kind: 'resolved', since: group.pending?.since ?? now };
    } else if (SEVERITY_RANK[anomaly.severity] > SEVERITY_RANK[group.notifiedSeverity]) {
      group.pending = { kind: 'updated', since: group.pending?.since ?? now };
    } else if (group.pending?.kind === 'resolved') {
      // Firing again before the resolution went out: the incident goes on, nothing to announce.
      delete group.pending;
    }
    if (anomaly.state !== 'resolved') delete group.selfResolved;
    this.dirty.set(groupKey, group);
    return this.flushIfDue(group, now);
  }

  /** The open incident a new alert belongs to (its lead group), if it shares a correlation key with one of its groups. */
  private incidentFor(anomaly: Anomaly, now: number): AlertGroupState | undefined {
    if (this.correlation.by.length === 0 || this.mutedBy(anomaly, now) !== undefined) return undefined;
    for (const key of this.correlationKeysOf(anomaly)) {
      const candidates = this.byCorrelationKey.get(key);
      if (candidates === undefined) continue;
      for (const groupKey of candidates) {
        const group = this.groups.get(groupKey);
        const lead = group === undefined ? undefined : (this.leadOf(group) ?? group);
        // Gone, changed since it was indexed, or in an incident that is full for good (related alerts are never taken out).
        if (group === undefined || lead === undefined || !this.correlationKeysOf(group.latest).includes(key) || (lead.related?.length ?? 0) >= RELATED_MAX) {
          candidates.delete(groupKey);
          this.indexEntries--;
          continue;
        }
        if (anomaly.window.start - lead.openedAtWindow > this.correlation.windowMs || this.mutedBy(lead.latest, now) !== undefined) continue;
        return lead;
      }
      if (candidates.size === 0) this.byCorrelationKey.delete(key);
    }
    return undefined;
  }

  private correlationKeysOf(anomaly: Anomaly): readonly string[] {
    let keys = this.keysOf.get(anomaly);
    if (keys === undefined) {
      keys = correlationKeys(anomaly, this.correlation.by);
      this.keysOf.set(anomaly, keys);
    }
    return keys;
  }

  /** Files a group under its latest anomaly's correlation keys. */
  private index(group: AlertGroupState): void {
    if (this.correlation.by.length === 0) return;
    this.addToIndex(group);
    if (this.indexEntries > 4 * this.groups.size + 1024) this.reindex();
  }

  private addToIndex(group: AlertGroupState): void {
    for (const key of this.correlationKeysOf(group.latest)) {
      let groupKeys = this.byCorrelationKey.get(key);
      if (groupKeys === undefined) this.byCorrelationKey.set(key, (groupKeys = new Set()));
      if (groupKeys.has(group.groupKey)) continue;
      groupKeys.add(group.groupKey);
      this.indexEntries++;
    }
  }

  private reindex(): void {
    this.byCorrelationKey.clear();
    this.indexEntries = 0;
    if (this.correlation.by.length === 0) return;
    for (const group of this.groups.values()) this.addToIndex(group);
  }

  /** A new alert group announced as part of `lead`'s incident: no page of its own, an update of the incident. */
  private join(lead: AlertGroupState, groupKey: string, anomaly: Anomaly, now: number, partition: number): DispatchedNotification[] {
    const member: AlertGroupState = { ...newGroup(groupKey, anomaly, now, partition), leadKey: lead.groupKey };
    this.groups.set(groupKey, member);
    this.index(member);
    this.dirty.set(groupKey, member);
    lead.related = [...(lead.related ?? []), { groupKey, anomaly }];
    if (lead.pending?.kind === 'resolved') lead.selfResolved = true;
    lead.pending = { kind: 'updated', since: lead.pending?.kind === 'updated' ? lead.pending.since : now };
    this.dirty.set(lead.groupKey, lead);
    return this.flushIfDue(lead, now);
  }

  /** A member's new anomaly: recorded on its lead; a severity above what was announced is an update, the last resolution ends the incident. */
  private memberChanged(lead: AlertGroupState, member: AlertGroupState, now: number): DispatchedNotification[] {
    const anomaly = member.latest;
    lead.related = (lead.related ?? []).map((entry) => (entry.groupKey === member.groupKey ? { groupKey: entry.groupKey, anomaly } : entry));
    this.dirty.set(member.groupKey, member);
    this.dirty.set(lead.groupKey, lead);
    if (anomaly.state === 'resolved') {
      member.closed = true;
      this.groups.delete(member.groupKey);
      if (lead.selfResolved === true && !this.hasOpenMembers(lead)) lead.pending = { kind: 'resolved', since: lead.pending?.since ?? now };
    } else if (SEVERITY_RANK[anomaly.severity] > SEVERITY_RANK[lead.notifiedSeverity]) {
      lead.pending = { kind: 'updated', since: lead.pending?.since ?? now };
    }
    return this.flushIfDue(lead, now);
  }

  /** The lead of a member group while this instance holds it; a member whose lead is gone goes on on its own. */
  private leadOf(group: AlertGroupState): AlertGroupState | undefined {
    if (group.leadKey === undefined) return undefined;
    const lead = this.groups.get(group.leadKey);
    if (lead !== undefined) return lead;
    delete group.leadKey;
    this.dirty.set(group.groupKey, group);
    return undefined;
  }

  private hasOpenMembers(lead: AlertGroupState): boolean {
    for (const group of this.groups.values()) if (group.leadKey === lead.groupKey) return true;
    return false;
  }

  /** The highest severity of the incident's alerts still firing (the lead's own if none is). */
  private incidentSeverity(lead: AlertGroupState): Severity {
    let severity: Severity = lead.selfResolved === true ? 'info' : lead.latest.severity;
    for (const { anomaly } of lead.related ?? []) if (anomaly.state !== 'resolved') severity = higher(severity, anomaly.severity);
    return severity;
  }

  /** Notifications whose wait is over at `now` (called by a ticker). */
  due(now: number): DispatchedNotification[] {
    // A member's reminders and news go out with its lead's.
    return [...this.groups.values()].flatMap((group) => (this.leadOf(group) === undefined ? this.flushIfDue(group, now) : []));
  }

  /** Counts every group held as changed, so the next round saves them all (see AlertFlow's refresh). */
  markAllChanged(): void {
    for (const [groupKey, group] of this.groups) this.dirty.set(groupKey, group);
  }

  /** Groups changed since the last call, for persisting; closed groups included once. */
  takeChanged(): AlertGroupState[] {
    const changed = [...this.dirty.values()].map((g) => structuredClone(g));
    this.dirty.clear();
    return changed;
  }

  /** A copy of the whole state, to go back to if a batch fails before its offsets are committed. */
  snapshot(): { groups: AlertGroupState[]; changed: AlertGroupState[] } {
    return structuredClone({ groups: [...this.groups.values()], changed: [...this.dirty.values()] });
  }

  rollback(to: { groups: AlertGroupState[]; changed: AlertGroupState[] }): void {
    const copy = structuredClone(to);
    this.groups.clear();
    this.dirty.clear();
    for (const group of copy.groups) this.groups.set(group.groupKey, group);
    for (const group of copy.changed) this.dirty.set(group.groupKey, this.groups.get(group.groupKey) ?? group);
    this.reindex();
  }

  activeGroups(): number {
    return this.groups.size;
  }

  private open(groupKey: string, anomaly: Anomaly, now: number, partition: number): DispatchedNotification[] {
    const group: AlertGroupState = { ...newGroup(groupKey, anomaly, now, partition), neverAnnounced: true };
    this.groups.set(groupKey, group);
    this.index(group);
    return this.emit(group, 'firing', now);
  }

  private flushIfDue(group: AlertGroupState, now: number): DispatchedNotification[] {
    const { pending } = group;
    if (pending !== undefined) {
      const dueAt = Math.max(pending.since + this.timing.groupWaitMs, group.lastSentAt + this.timing.groupIntervalMs);
      // Channels that never heard of the incident get its firing, not an update of it.
      const kind = pending.kind === 'updated' && group.neverAnnounced === true ? 'firing' : pending.kind;
      return now >= dueAt ? this.emit(group, kind, now) : [];
    }
    if (group.unannounced === true && this.mutedBy(group.latest, now) === undefined) return this.emit(group, 'firing', now);
    return now >= group.lastSentAt + this.timing.repeatIntervalMs ? this.emit(group, 'firing', now) : [];
  }

  private emit(group: AlertGroupState, kind: NotificationKind, now: number): DispatchedNotification[] {
    const silenceId = this.mutedBy(group.latest, now);
    group.seq += 1;
    group.lastSentAt = now;
    delete group.pending;
    this.dirty.set(group.groupKey, group);
    if (kind === 'resolved') {
      group.closed = true;
      this.groups.delete(group.groupKey);
      if (group.neverAnnounced === true) return [];
    } else {
      group.notifiedSeverity = this.incidentSeverity(group);
      group.peakSeverity = higher(group.peakSeverity, group.notifiedSeverity);
      if (silenceId === undefined) {
        delete group.unannounced;
        delete group.neverAnnounced;
      } else {
        group.unannounced = true;
      }
    }
    return [
      {
        idempotencyKey: idempotencyKey(group, kind),
        kind,
        groupKey: group.groupKey,
        anomaly: group.latest,
        groupSize: group.size,
        routeSeverity: kind === 'resolved' ? group.peakSeverity : group.notifiedSeverity,
        ...(group.related === undefined ? {} : { related: group.related.map(({ anomaly }) => anomaly) }),
        ...(silenceId === undefined ? {} : { silenceId }),
      },
    ];
  }
}
