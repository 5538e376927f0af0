// The labelled facts of a notification, in reading order; the plain-text report and the email HTML
// table both list them, so every medium that shows rows shows the same content.
import type { AlertView } from './alert-view';

export interface AlertFact {
  label: string;
  /** Raw, untrusted values; a fact with several values is shown as a list. */
  values: string[];
  list?: boolean;
}

function ranked(keys: AlertView['topClients']): string[] {
  return keys.map(({ key, count }) => `${key} (${count})`);
}

export function alertFacts(view: AlertView): AlertFact[] {
  const facts: AlertFact[] = [
    { label: 'Entity', values: [`${view.entityKind} ${view.entityKey}`] },
    ...(view.service === undefined ? [] : [{ label: 'Service', values: [view.service] }]),
    { label: 'Observed', values: [`${view.observed} ${view.signal}`] },
    { label: 'Expected', values: [view.expected] },
    { label: 'Score', values: [view.score] },
    ...(view.sparkline.length > 0 ? [{ label: 'Recent', values: [view.sparkline] }] : []),
    { label: 'Window', values: [`${view.windowStart} to ${view.windowEnd}`] },
    { label: 'Started', values: [view.startedAt] },
    { label: 'Top clients', values: ranked(view.topClients), list: true },
    { label: 'Top routes', values: ranked(view.topRoutes), list: true },
    { label: 'Sample requests', values: view.sampleRequestIds, list: true },
    ...(view.firstChecks === undefined ? [] : [{ label: 'First checks', values: [view.firstChecks] }]),
    { label: 'Anomaly', values: [view.anomalyId] },
    { label: 'Detector', values: [view.detector] },
    { label: 'Group', values: [`${view.groupKey} (${view.groupSize} so far)`] },
  ];
  if (view.relatedTotal > 0) {
    const more = view.relatedTotal - view.related.length;
    facts.push({
      label: 'Also in this incident',
      values: [
        ...view.related.map((line) => `${line.status.toUpperCase()} ${line.detector} on ${line.entity}: ${line.summary}`),
        ...(more > 0 ? [`and ${more} more`] : []),
      ],
      list: true,
    });
  }
  if (view.kind === 'summary') {
    const more = view.suppressedTotal - view.suppressed.length;
    facts.push({
      label: 'Alerts in this summary',
      values: [
        ...view.suppressed.map((line) => `${line.severity.toUpperCase()} ${line.detector} on ${line.entity}, score ${line.score}, anomaly ${line.anomalyId}`),
        ...(more > 0 ? [`and ${more} more`] : []),
      ],
      list: true,
    });
  }
  return facts.filter((fact) => fact.values.length > 0);
}
