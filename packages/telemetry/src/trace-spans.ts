// Spans around pipeline work and the trace context on Kafka records, so services trace without
// depending on the OpenTelemetry API themselves. With tracing off the tracer is a no-op whose
// spans carry their parent's context unchanged: an incoming traceparent then passes through to
// the records a service writes, at the cost of a header copy.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import type { Context, Link, Span, Tracer } from '@opentelemetry/api';
import { extractTraceContext, injectTraceHeaders } from './opentelemetry';

export type TraceContext = Context;
export type SpanAttributes = Record<string, string | number | boolean>;

const SPAN_KINDS = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
} as const;

/** Links kept per span: enough to find the inputs of a batch, bounded so a big batch stays cheap. */
export const MAX_SPAN_LINKS = 32;

export interface SpanOptions {
  kind?: keyof typeof SPAN_KINDS;
  /** The context this span continues; a new trace when absent. */
  parent?: TraceContext | undefined;
  /** Other traces that fed this work (a batch of several inputs); the first MAX_SPAN_LINKS are kept. */
  links?: readonly TraceContext[];
  attributes?: SpanAttributes;
}

export interface PipelineSpan {
  /** The span's context: inject it into records written on its behalf, or parent child spans on it. */
  readonly context: TraceContext;
  setAttributes(attributes: SpanAttributes): void;
  /** Ends the span (once); an error marks it failed with the error's message. */
  end(error?: unknown): void;
}

function linksOf(contexts: readonly TraceContext[]): Link[] {
  const links: Link[] = [];
  for (const linked of contexts) {
    const spanContext = trace.getSpanContext(linked);
    if (spanContext !== undefined && trace.isSpanContextValid(spanContext)) links.push({ context: spanContext });
    if (links.length === MAX_SPAN_LINKS) break;
  }
  return links;
}

function pipelineSpan(span: Span, parent: TraceContext): PipelineSpan {
  return {
    context: trace.setSpan(parent, span),
    setAttributes: (attributes) => {
      try {
        span.setAttributes(attributes);
      } catch {
        // Tracing never breaks the work it describes.
      }
    },
    end: (error) => {
      try {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        span.end();
      } catch {
        // Tracing never breaks the work it describes.
      }
    },
  };
}

/** Starts a span; never throws (a failure gives a span that records nothing and keeps the parent's context). */
export function startSpan(tracer: Tracer, name: string, options: SpanOptions = {}): PipelineSpan {
  const parent = options.parent ?? ROOT_CONTEXT;
  try {
    const span = tracer.startSpan(
      name,
      {
        kind: SPAN_KINDS[options.kind ?? 'internal'],
        ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
        ...(options.links === undefined || options.links.length === 0 ? {} : { links: linksOf(options.links) }),
      },
      parent,
    );
    return pipelineSpan(span, parent);
  } catch {
    return { context: parent, setAttributes: () => undefined, end: () => undefined };
  }
}

/** The trace id a context carries (for a log line), or undefined when it carries none. */
export function traceIdOf(from: TraceContext): string | undefined {
  const spanContext = trace.getSpanContext(from);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** The `traceparent`/`tracestate` headers for a context: compute once, spread into every record of a send. */
export function traceHeaders(from: TraceContext): Record<string, string> {
  const headers: Record<string, string> = {};
  injectTraceHeaders(headers, from);
  return headers;
}

interface SeenTrace {
  traceparent: string;
  tracestate: string | undefined;
}

function headersOf({ traceparent, tracestate }: SeenTrace): Record<string, string> {
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}

/**
 * The distinct traces of the records a partition consumed since they were last taken, newest
 * kept. Work that answers many inputs at once (scoring a bucket) continues the oldest sampled
 * one and links the others. Noting a record compares strings only; contexts are parsed on take.
 */
export class InputTraces {
  private seen: SeenTrace[] = [];

  constructor(private readonly max = MAX_SPAN_LINKS + 1) {}

  note(records: Iterable<{ headers: Readonly<Record<string, string>> }>): void {
    for (const { headers } of records) {
      const traceparent = headers['traceparent'];
      if (traceparent === undefined || this.seen.some((s) => s.traceparent === traceparent)) continue;
      this.seen.push({ traceparent, tracestate: headers['tracestate'] });
      if (this.seen.length > this.max) this.seen.shift();
    }
  }

  /** The headers of the newest trace noted, to pass on with records derived from this input. */
  newestHeaders(): Record<string, string> {
    const newest = this.seen.at(-1);
    return newest === undefined ? {} : headersOf(newest);
  }

  /** Parent and links for a span over everything noted so far; forgets them. */
  take(): Pick<SpanOptions, 'parent' | 'links'> {
    const contexts = this.seen
      .map((seen) => extractTraceContext(headersOf(seen)))
      .filter((context) => trace.getSpanContext(context) !== undefined);
    this.seen = [];
    const sampled = contexts.findIndex((context) => ((trace.getSpanContext(context)?.traceFlags ?? 0) & TraceFlags.SAMPLED) !== 0);
    const parentAt = sampled === -1 ? 0 : sampled;
    const parent = contexts[parentAt];
    return parent === undefined ? {} : { parent, links: contexts.filter((_, index) => index !== parentAt) };
  }
}
