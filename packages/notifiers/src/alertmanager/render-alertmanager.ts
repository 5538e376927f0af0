// Renders a notification as Alertmanager v2 postable alerts. Pure. A 'summary' becomes one alert per
// folded anomaly, since Alertmanager does its own grouping. Label values may be any UTF-8; control
// characters are replaced and lengths capped so one hostile client id cannot bloat every alert.
import type { Anomaly } from '@vigil/contract';
import { formatNumber } from '../content/alert-view';
import { stripControlChars, truncate } from '../content/plain-text';
import type { Notification } from '../notification';

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

export const ALERTNAME = 'VigilAnomaly';
const LABEL_MAX = 200;
const ANNOTATION_MAX = 1000;

function labelValue(text: string): string {
  return truncate(stripControlChars(text).trim(), LABEL_MAX);
}

function annotationValue(text: string): string {
  return truncate(stripControlChars(text).trim(), ANNOTATION_MAX);
}

function describe(anomaly: Anomaly): string {
  const routes = anomaly.evidence.topRoutes.slice(0, 3).map(({ key, count }) => `${key} (${count})`);
  const clients = anomaly.evidence.topClients.slice(0, 3).map(({ key, count }) => `${key} (${count})`);
  return [
    `${anomaly.detector} on ${anomaly.entity.kind} ${anomaly.entity.key}: ${anomaly.signal} observed ${formatNumber(anomaly.observed)}, expected ${formatNumber(anomaly.expected)}.`,
    ...(routes.length > 0 ? [`Top routes: ${routes.join(', ')}.`] : []),
    ...(clients.length > 0 ? [`Top clients: ${clients.join(', ')}.`] : []),
    `Anomaly ${anomaly.id}.`,
  ].join(' ');
}

function toPostableAlert(anomaly: Anomaly, resolved: boolean, generatorUrl: string | undefined): PostableAlert {
  const labels: Record<string, string> = {
    alertname: ALERTNAME,
    detector: labelValue(anomaly.detector),
    entity_kind: anomaly.entity.kind,
    entity: labelValue(anomaly.entity.key),
    severity: anomaly.severity,
    ...(anomaly.entity.service === undefined ? {} : { service: labelValue(anomaly.entity.service) }),
  };
  return {
    labels,
    annotations: {
      summary: annotationValue(anomaly.summary),
      description: annotationValue(describe(anomaly)),
      observed: formatNumber(anomaly.observed),
      expected: formatNumber(anomaly.expected),
      score: anomaly.score.toFixed(2),
      anomaly_id: annotationValue(anomaly.id),
    },
    startsAt: new Date(anomaly.startedAt).toISOString(),
    // Event time of the bucket that ended the incident; Alertmanager resolves once endsAt has passed.
    ...(resolved ? { endsAt: new Date(anomaly.window.end).toISOString() } : {}),
    ...(generatorUrl === undefined ? {} : { generatorURL: generatorUrl }),
  };
}

export function renderAlertmanager(notification: Notification, generatorUrl?: string): PostableAlert[] {
  // A correlated incident posts each of its alerts, so Alertmanager's own grouping and inhibition see them all.
  const anomalies = notification.kind === 'summary' ? (notification.suppressed ?? [notification.anomaly]) : [notification.anomaly, ...(notification.related ?? [])];
  const resolved = notification.kind === 'resolved';
  return anomalies.map((anomaly) => toPostableAlert(anomaly, resolved || anomaly.state === 'resolved', generatorUrl));
}
