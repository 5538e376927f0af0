// pino logging with secret redaction, OpenTelemetry metrics and traces, Prometheus endpoint, health checks.
export {};
