// What an anomaly touches, for correlating alert groups into one incident: the client (its own
// entity, or the client that stands out in a route's or service's evidence), the route (its own
// entity, or the route that stands out in a client's evidence) and the service (of the same
// detector only: a service is broad, and its failures show on it and on its routes at once). A
// brute force is then one incident however many of its client, route and service alerts fire.

import type { Anomaly, RankedKey } from '@vigil/contract';

export type CorrelateByField = 'client' | 'route' | 'service';

export interface CorrelationSettings {
  by: readonly CorrelateByField[];
  /** An incident takes in related alerts only this long (event time) after its first window. */
  windowMs: number;
}

export const NO_CORRELATION: CorrelationSettings = { by: [], windowMs: 0 };

/** Most alert groups one incident announces; later related ones open an incident of their own. */
export const RELATED_MAX = 20;

/** The top key of ranked evidence when it stands out: more than the rest of the top list together. */
function standingOut(keys: readonly RankedKey[]): string | undefined {
  const [top] = keys;
  if (top === undefined || top.count <= 0) return undefined;
  const rest = keys.slice(1).reduce((sum, { count }) => sum + count, 0);
  return top.count > rest ? top.key : undefined;
}

function clientOf(anomaly: Anomaly): string | undefined {
  const { kind, key } = anomaly.entity;
  return kind === 'client' || kind === 'ip' ? key : standingOut(anomaly.evidence.topClients);
}

/** Routes as evidence names them, `METHOD /template` (evidence carries no service). */
function routeOf(anomaly: Anomaly): string | undefined {
  const { kind, key } = anomaly.entity;
  if (kind === 'route') return key;
  return kind === 'service' ? undefined : standingOut(anomaly.evidence.topRoutes);
}

function serviceOf(anomaly: Anomaly): string | undefined {
  const { kind, key, service } = anomaly.entity;
  if (kind === 'service') return key;
  return kind === 'route' ? service : undefined;
}

/** The keys two anomalies must share one of to be one incident. */
export function correlationKeys(anomaly: Anomaly, by: readonly CorrelateByField[]): string[] {
  const keys: string[] = [];
  for (const field of by) {
    const service = serviceOf(anomaly);
    const value = field === 'client' ? clientOf(anomaly) : field === 'route' ? routeOf(anomaly) : service === undefined ? undefined : `${anomaly.detector}\0${service}`;
    if (value !== undefined) keys.push(`${field}\0${value}`);
  }
  return keys;
}
