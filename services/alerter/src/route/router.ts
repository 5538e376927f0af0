// Which channels an alert goes to: a per-detector route when one is configured, else the route of
// its severity; only channels that are configured count, and the console (when on) sees everything.

import type { Severity } from '@vigil/contract';

export interface RoutingTable {
  bySeverity: Record<Severity, readonly string[]>;
  byDetector: ReadonlyMap<string, readonly string[]>;
  /** Channels that receive every alert whatever the routes say (the console in the embedded mode). */
  always: readonly string[];
}

/** Parses VIGIL_ROUTE_DETECTORS items ("detector=slack+email"), already validated by the schema. */
export function detectorRoutes(items: readonly string[]): Map<string, string[]> {
  return new Map(
    items.map((item) => {
      const [detector = '', channels = ''] = item.split('=');
      return [detector, channels.split('+')];
    }),
  );
}

export function routeChannels(table: RoutingTable, detector: string, severity: Severity, configured: ReadonlySet<string>): string[] {
  const routed = table.byDetector.get(detector) ?? table.bySeverity[severity];
  return [...new Set([...routed, ...table.always])].filter((channel) => configured.has(channel));
}
