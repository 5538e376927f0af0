// The alerter's typed configuration and the values derived from it (timing, routes, silences).

import { alerterSchema, type ConfigOf } from '@vigil/config';
import type { CorrelateByField, CorrelationSettings } from './dispatch/correlation';
import type { DispatchTiming } from './dispatch/dispatcher';
import { detectorRoutes, type RoutingTable } from './route/router';
import type { Silence } from './silence/silence';

export type AlerterConfig = ConfigOf<typeof alerterSchema>;

export function dispatchTiming(config: AlerterConfig): DispatchTiming {
  return {
    groupWaitMs: config.groupWaitSeconds * 1000,
    groupIntervalMs: config.groupIntervalSeconds * 1000,
    repeatIntervalMs: config.repeatIntervalSeconds * 1000,
  };
}

export function correlationSettings(config: AlerterConfig): CorrelationSettings {
  const by = config.correlateBy.filter((field) => field !== 'none') as CorrelateByField[]; /* values checked by the schema */
  return { by, windowMs: config.correlateWindowSeconds * 1000 };
}

export function routingTable(config: AlerterConfig, consoleOn: boolean): RoutingTable {
  return {
    bySeverity: { critical: config.routeCritical, warning: config.routeWarning, info: config.routeInfo },
    byDetector: detectorRoutes(config.detectorRoutes),
    always: consoleOn ? ['console'] : [],
  };
}

/** The creator of the silences from VIGIL_SILENCES, which last as long as the variable is set. */
export const STATIC_SILENCE_CREATOR = 'VIGIL_SILENCES';

/** VIGIL_SILENCES as silences; they live as long as the variable and are never written to Kafka. */
export function staticSilences(config: AlerterConfig): Silence[] {
  return config.staticSilences.map((s, index) => ({
    v: 1,
    id: `env-${index + 1}`,
    matchers: s.matchers,
    startsAt: 0,
    endsAt: s.endsAt ?? null,
    createdBy: STATIC_SILENCE_CREATOR,
    comment: '',
  }));
}

