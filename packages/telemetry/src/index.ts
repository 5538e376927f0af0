// pino logging with secret redaction, OpenTelemetry metrics and traces, Prometheus rendering.
export type { Attributes, Counter, Gauge, Histogram, PipelineMetrics, Telemetry } from './api';
export type { Logger } from 'pino';
export { createLogger, REDACTED, SECRET_FIELD_NAMES } from './logger';
export type { LoggerOptions } from './logger';
export { COMPONENT_METRICS, HTTP_METRICS, METRIC_DEFINITIONS, PIPELINE_METRICS } from './metric-definitions';
export type { MetricDefinition, MetricKind } from './metric-definitions';
export { endpointForLogs, exportFailureLog } from './export-failure-log';
export { WarningThrottle } from './warning-throttle';
export { createSpanRecorder, extractTraceContext, injectTraceHeaders } from './opentelemetry';
export type { ExportFailure, RecordedSpan, SpanRecorder, TracingOptions } from './opentelemetry';
export { createTelemetry } from './telemetry';
export type { TelemetryOptions } from './telemetry';
export { InputTraces, MAX_SPAN_LINKS, startSpan, traceHeaders, traceIdOf } from './trace-spans';
export type { PipelineSpan, SpanAttributes, SpanOptions, TraceContext } from './trace-spans';
export { tracingSchema } from './tracing-schema';
