// The tracing settings every Vigil process shares. Off by default: tracing costs nothing until a
// sample ratio is set, and spans go nowhere until an OTLP endpoint is named.
import { number, optional, url } from '@vigil/config';

export const tracingSchema = {
  sampleRatio: number({
    env: 'VIGIL_TRACE_SAMPLE_RATIO',
    description:
      'Share of new traces recorded, 0 to 1; 0 turns tracing off (a traceparent already on a record still passes through). A trace started upstream keeps its own decision.',
    example: '0.01',
    default: 0,
    min: 0,
    max: 1,
  }),
  otlpTracesUrl: optional(
    url({
      env: 'VIGIL_OTLP_TRACES_URL',
      description:
        'OTLP/HTTP (JSON) traces endpoint that recorded spans are batched to, e.g. an OpenTelemetry Collector. Unset: spans are sampled and propagated but not exported from this process.',
      example: 'http://127.0.0.1:4318/v1/traces',
      protocols: ['http', 'https'],
    }),
  ),
};
