// What an anomaly touches, for correlating alert groups into one incident: the client (its own
// entity, or the client that stands out in a route's or service's evidence), the route (its own
// entity, or the route that stands out in a client's evidence) and the service, the last two for
// alerts of the same detector only. A service is broad, and its failures show on it and on its
// routes at once; a route is named without its service in a client's evidence, and templates such
// as `GET /health` recur across services, so a route shared across detectors would fold unrelated
// incidents into one. A brute force is one incident however many of its client, route and service
// alerts fire: they share its client.

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
    if (field === 'client') {
      const client = clientOf(anomaly);
      if (client !== undefined) keys.push(`client\0${client}`);
      continue;
    }
    const value = field === 'route' ? routeOf(anomaly) : serviceOf(anomaly);
    if (value !== undefined) keys.push(`${field}\0${anomaly.detector}\0${value}`);
  }
  return keys;
}
