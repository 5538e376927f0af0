// Every metric Vigil defines in one place: the pipeline metrics each source, stage and sink
// reports, and the HTTP server's. docs/metrics.md lists them; a test keeps the two in sync.

export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  readonly name: string;
  readonly kind: MetricKind;
  readonly description: string;
  readonly labels: readonly string[];
}

export const PIPELINE_METRICS = {
  received: {
    name: 'vigil_events_received_total',
    kind: 'counter',
    description: 'Events (or records) a component accepted as input.',
    labels: ['component'],
  },
  sent: {
    name: 'vigil_events_sent_total',
    kind: 'counter',
    description: 'Events (or records) a component handed on to the next stage, topic or channel.',
    labels: ['component'],
  },
  rejected: {
    name: 'vigil_events_rejected_total',
    kind: 'counter',
    description: 'Input refused as invalid (unparseable line, bad contract); kept on rejected.v1, never silently dropped.',
    labels: ['component', 'reason'],
  },
  discarded: {
    name: 'vigil_events_discarded_total',
    kind: 'counter',
    description: 'Valid input deliberately not processed (too late for its bucket, filtered, over a cap).',
    labels: ['component', 'reason'],
  },
  errors: {
    name: 'vigil_errors_total',
    kind: 'counter',
    description: 'Failures inside a component, by the stage that failed.',
    labels: ['component', 'stage'],
  },
} as const satisfies Record<string, MetricDefinition>;

export const HTTP_METRICS = {
  requests: {
    name: 'vigil_http_requests_total',
    kind: 'counter',
    description: 'HTTP requests answered by the process, by matched route pattern (unmatched for unknown paths), method and status.',
    labels: ['route', 'method', 'status'],
  },
  connectionsDropped: {
    name: 'vigil_http_connections_dropped_total',
    kind: 'counter',
    description: 'Connections to the HTTP port closed on arrival because VIGIL_HTTP_MAX_CONNECTIONS were already open, or VIGIL_HTTP_MAX_CONNECTIONS_PER_ADDRESS from the same address.',
    labels: [],
  },
  authFailuresLimited: {
    name: 'vigil_http_auth_failures_limited_total',
    kind: 'counter',
    description: 'Requests without a valid token answered 429 instead of 401 because their client address was over VIGIL_HTTP_AUTH_FAILURES_PER_MINUTE.',
    labels: [],
  },
} as const satisfies Record<string, MetricDefinition>;

/** Metrics particular to one component, beyond the pipeline metrics every component reports. */
export const COMPONENT_METRICS = {
  syslogUdpDropped: {
    name: 'vigil_syslog_udp_datagrams_dropped_total',
    kind: 'counter',
    description:
      'Syslog datagrams the kernel dropped before the collector read them, because the UDP socket\'s receive buffer was full (Linux only: the drops column of /proc/net/udp).',
    labels: [],
  },
  transportSent: {
    name: 'vigil_transport_records_sent_total',
    kind: 'counter',
    description: 'Records the transport (Kafka or in-process) delivered to a topic.',
    labels: ['topic'],
  },
  transportReceived: {
    name: 'vigil_transport_records_received_total',
    kind: 'counter',
    description: 'Records the transport handed to a consumer.',
    labels: ['topic'],
  },
  detectorEntities: {
    name: 'vigil_detector_entities',
    kind: 'gauge',
    description: 'Entities (clients, IPs, routes, services) this detector instance tracks.',
    labels: [],
  },
  detectorEvicted: {
    name: 'vigil_detector_evicted_entities',
    kind: 'gauge',
    description: 'Entities evicted (least recently seen) by the tracked-entity cap, over the partitions this instance owns.',
    labels: [],
  },
  notifications: {
    name: 'vigil_notifications_total',
    kind: 'counter',
    description: 'Notification outcomes by channel (delivered, duplicate, silenced, failed, ...).',
    labels: ['channel', 'outcome'],
  },
  notificationLatency: {
    name: 'vigil_notification_latency_ms',
    kind: 'histogram',
    description: 'Time to deliver a notification, retries included, in milliseconds.',
    labels: ['channel'],
  },
  notificationRetries: {
    name: 'vigil_notification_retries_total',
    kind: 'counter',
    description: 'Delivery attempts that failed and were retried.',
    labels: ['channel'],
  },
  notificationsDeadLettered: {
    name: 'vigil_notifications_dead_lettered_total',
    kind: 'counter',
    description: 'Notifications parked on notifications-dlq.v1 after failing for good.',
    labels: ['channel'],
  },
} as const satisfies Record<string, MetricDefinition>;

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  ...Object.values(PIPELINE_METRICS),
  ...Object.values(HTTP_METRICS),
  ...Object.values(COMPONENT_METRICS),
];
