// The medium-neutral content of a notification. Every renderer shows the same facts from this view
// and escapes its raw strings for its own medium; nothing here is escaped yet, and every string is
// treated as attacker-controlled (entity keys, group keys and summaries embed client ids and paths).
import { serviceLabel, UNNAMED_SERVICE, UNNAMED_SERVICE_HINT, type Anomaly, type EntityKind, type RankedKey, type Severity } from '@vigil/contract';
import type { Notification, NotificationKind } from '../notification';
import { firstChecks } from './first-checks';
import { truncate } from './plain-text';
import { sparkline } from './sparkline';

/** Colour / tone of a message: the severity while firing, `resolved` once over. */
export type AlertTone = Severity | 'resolved';

export interface SuppressedLine {
  severity: Severity;
  detector: string;
  entity: string;
  score: string;
  anomalyId: string;
}

export interface AlertView {
  kind: NotificationKind;
  tone: AlertTone;
  /** CRITICAL, WARNING, INFO, RESOLVED or SUMMARY. */
  label: string;
  /** `traffic-spike on client 1.2.3.4` */
  title: string;
  /** One sentence a person can act on. */
  sentence: string;
  detector: string;
  entityKind: EntityKind;
  entityKey: string;
  service: string | undefined;
  signal: string;
  observed: string;
  expected: string;
  score: string;
  sparkline: string;
  windowStart: string;
  windowEnd: string;
  startedAt: string;
  topClients: RankedKey[];
  topRoutes: RankedKey[];
  sampleRequestIds: string[];
  /** What to look at first (the runbook's first checks), while the alert fires; Vigil's own text. */
  firstChecks: string | undefined;
  anomalyId: string;
  groupKey: string;
  groupSize: number;
  /** 'summary' only: the alerts folded into this message (capped), and how many there were. */
  suppressed: SuppressedLine[];
  suppressedTotal: number;
  /** The other alerts of this incident (capped), and how many there are. */
  related: RelatedLine[];
  relatedTotal: number;
}

export interface RelatedLine {
  /** The alert's severity, or `resolved` once it is over. */
  status: Severity | 'resolved';
  detector: string;
  entity: string;
  summary: string;
}

/** Message colour per tone: critical red, warning orange, info blue, resolved green. */
export const TONE_COLOURS: Record<AlertTone, string> = {
  critical: '#d40e0d',
  warning: '#f2952f',
  info: '#2f80ed',
  resolved: '#2eb67d',
};

/** Caps keep every medium within its limits (Slack blocks, mail subjects, label values). */
export const VIEW_LIMITS = { key: 200, sentence: 500, ranked: 5, requestIds: 5, suppressed: 20, related: 20 } as const;

const SEVERITY_ORDER: readonly Severity[] = ['info', 'warning', 'critical'];
const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function formatNumber(value: number): string {
  return Number.isFinite(value) ? numberFormat.format(value) : String(value);
}

function isoTime(epochMs: number): string {
  return Number.isFinite(epochMs) ? new Date(epochMs).toISOString() : 'unknown';
}

function rankedKeys(keys: readonly RankedKey[]): RankedKey[] {
  return keys.slice(0, VIEW_LIMITS.ranked).map(({ key, count }) => ({ key: truncate(key, VIEW_LIMITS.key), count }));
}

function describeEntity(anomaly: Anomaly): string {
  const key = truncate(anomaly.entity.key, VIEW_LIMITS.key);
  const service = anomaly.entity.kind === 'route' && anomaly.entity.service !== undefined ? ` (${serviceLabel(truncate(anomaly.entity.service, VIEW_LIMITS.key))})` : '';
  return `${anomaly.entity.kind} ${anomaly.entity.kind === 'service' ? serviceLabel(key) : key}${service}`;
}

function highestSeverity(anomalies: readonly Anomaly[]): Severity {
  return anomalies.reduce<Severity>(
    (highest, { severity }) => (SEVERITY_ORDER.indexOf(severity) > SEVERITY_ORDER.indexOf(highest) ? severity : highest),
    'info',
  );
}

function toneAndLabel(notification: Notification, suppressed: readonly Anomaly[]): { tone: AlertTone; label: string } {
  switch (notification.kind) {
    case 'resolved':
      return { tone: 'resolved', label: 'RESOLVED' };
    case 'summary':
      return { tone: highestSeverity(suppressed), label: 'SUMMARY' };
    case 'firing':
    case 'updated':
      return { tone: notification.anomaly.severity, label: notification.anomaly.severity.toUpperCase() };
  }
}

function sentenceFor(notification: Notification, suppressedTotal: number): string {
  const { anomaly } = notification;
  switch (notification.kind) {
    case 'resolved':
      // The detection engine words its own resolution ("Resolved after 3 quiet buckets; ...").
      return anomaly.summary.startsWith('Resolved') ? anomaly.summary : `Resolved: ${anomaly.summary}`;
    case 'summary':
      return `${suppressedTotal} alerts arrived faster than the storm limit and are folded into this one message.`;
    case 'updated':
      return `Update: ${anomaly.summary}`;
    case 'firing':
      return anomaly.summary;
  }
}

/**
 * The one-line title, `traffic-spike on client 1.2.3.4`, with the detector and the entity key
 * passed through `quote`: a renderer whose markup could act on them makes them inert there.
 */
export function alertTitle(
  view: Pick<AlertView, 'kind' | 'detector' | 'entityKind' | 'entityKey' | 'suppressedTotal' | 'relatedTotal'>,
  quote: (untrusted: string) => string = (text) => text,
): string {
  const unnamed = view.entityKind === 'service' && view.entityKey === UNNAMED_SERVICE ? UNNAMED_SERVICE_HINT : '';
  const subject = `${quote(view.detector)} on ${view.entityKind} ${quote(view.entityKey)}${unnamed}`;
  if (view.kind === 'summary') return view.suppressedTotal > 1 ? `${view.suppressedTotal} alerts, first ${subject}` : subject;
  return view.relatedTotal > 0 ? `${subject} and ${view.relatedTotal} related alert${view.relatedTotal === 1 ? '' : 's'}` : subject;
}

function relatedLine(anomaly: Anomaly): RelatedLine {
  return {
    status: anomaly.state === 'resolved' ? 'resolved' : anomaly.severity,
    detector: truncate(anomaly.detector, VIEW_LIMITS.key),
    entity: describeEntity(anomaly),
    summary: truncate(anomaly.summary, VIEW_LIMITS.sentence),
  };
}

function suppressedLine(anomaly: Anomaly): SuppressedLine {
  return {
    severity: anomaly.severity,
    detector: truncate(anomaly.detector, VIEW_LIMITS.key),
    entity: describeEntity(anomaly),
    score: anomaly.score.toFixed(2),
    anomalyId: truncate(anomaly.id, VIEW_LIMITS.key),
  };
}

function runbookHint(detector: string): string | undefined {
  const checks = firstChecks(detector);
  return checks === undefined ? undefined : `${checks} Runbook: docs/operations.md, ${detector}.`;
}

export function buildAlertView(notification: Notification): AlertView {
  const { anomaly } = notification;
  const suppressed = notification.kind === 'summary' ? (notification.suppressed ?? [anomaly]) : [];
  const related = notification.kind === 'summary' ? [] : (notification.related ?? []);
  const view: Omit<AlertView, 'title'> = {
    kind: notification.kind,
    ...toneAndLabel(notification, suppressed),
    sentence: truncate(sentenceFor(notification, suppressed.length), VIEW_LIMITS.sentence),
    detector: truncate(anomaly.detector, VIEW_LIMITS.key),
    entityKind: anomaly.entity.kind,
    entityKey: truncate(anomaly.entity.key, VIEW_LIMITS.key),
    service: anomaly.entity.service === undefined || anomaly.entity.service === UNNAMED_SERVICE ? undefined : truncate(anomaly.entity.service, VIEW_LIMITS.key),
    signal: truncate(anomaly.signal, VIEW_LIMITS.key),
    observed: formatNumber(anomaly.observed),
    expected: formatNumber(anomaly.expected),
    score: anomaly.score.toFixed(2),
    sparkline: sparkline(anomaly.evidence.recent),
    windowStart: isoTime(anomaly.window.start),
    windowEnd: isoTime(anomaly.window.end),
    startedAt: isoTime(anomaly.startedAt),
    topClients: rankedKeys(anomaly.evidence.topClients),
    topRoutes: rankedKeys(anomaly.evidence.topRoutes),
    sampleRequestIds: anomaly.evidence.sampleRequestIds.slice(0, VIEW_LIMITS.requestIds).map((id) => truncate(id, VIEW_LIMITS.key)),
    firstChecks: notification.kind === 'firing' || notification.kind === 'updated' ? runbookHint(anomaly.detector) : undefined,
    anomalyId: truncate(anomaly.id, VIEW_LIMITS.key),
    groupKey: truncate(notification.groupKey, VIEW_LIMITS.key),
    groupSize: notification.groupSize,
    suppressed: suppressed.slice(0, VIEW_LIMITS.suppressed).map(suppressedLine),
    suppressedTotal: suppressed.length,
    related: related.slice(0, VIEW_LIMITS.related).map(relatedLine),
    relatedTotal: related.length,
  };
  return { ...view, title: alertTitle(view) };
}
