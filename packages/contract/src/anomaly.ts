// Anomaly: what the detector publishes and the alerter turns into notifications (v1).

export const ENTITY_KINDS = ['client', 'ip', 'route', 'service'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ANOMALY_STATES = ['firing', 'updated', 'resolved'] as const;
export type AnomalyState = (typeof ANOMALY_STATES)[number];

export interface RankedKey {
  key: string;
  count: number;
}

export interface Anomaly {
  v: 1;
  /** Stable for the whole incident: every update and the resolution carry the same id. */
  id: string;
  /** Detector name, e.g. traffic-spike, auth-failure-surge. */
  detector: string;
  entity: {
    kind: EntityKind;
    /** Client key, IP, "METHOD /route/{id}" or service name. */
    key: string;
    service?: string;
  };
  /** The signal measured, e.g. requests, error_ratio, latency_p95_ms, bytes. */
  signal: string;
  /** Event-time window of the bucket that produced this record, epoch ms, end exclusive. */
  window: { start: number; end: number };
  observed: number;
  expected: number;
  /** 0..1; the same scale `vigil score` prints. */
  score: number;
  severity: Severity;
  state: AnomalyState;
  /** Event time the incident started (first firing bucket start). */
  startedAt: number;
  /** One sentence a person can read in a notification. */
  summary: string;
  evidence: {
    topRoutes: RankedKey[];
    topClients: RankedKey[];
    sampleRequestIds: string[];
    /** Recent bucket values of the signal, oldest first, for a sparkline. */
    recent: number[];
  };
}
