// The path every source shares: items → parse and normalize → count → publish buffer. Returns the
// counts at once and, separately, the promise of Kafka's acknowledgement.

import type { RejectedInput } from '@vigil/contract';
import { startSpan, WarningThrottle, type Logger, type PipelineMetrics, type Telemetry, type TraceContext } from '@vigil/telemetry';
import type { IngestItem } from './transforms/ingest-item';
import { parseItems } from './transforms/parse-items';
import type { ParserRegistry } from './transforms/parser-registry';
import type { PublishBuffer } from './sinks/publish-buffer';

export interface IngestSource {
  /** Recorded in RejectedInput.source: http, syslog-udp, syslog-tcp, file:<path>, stdin. */
  name: string;
  /** Metric label with bounded cardinality: http, syslog-udp, syslog-tcp, file, stdin. */
  kind: string;
  /** The sender's trace (an HTTP request's traceparent), continued by the ingest span. */
  trace?: TraceContext;
}

export interface IngestOutcome {
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Resolves when Kafka acknowledged the events and rejections; rejects with a VigilError. */
  published: Promise<void>;
}

export class IngestPipeline {
  /** Per input (source name): rejected lines are told in a warning at most once a minute. */
  private readonly rejectionWarnings: WarningThrottle;

  constructor(
    private readonly deps: {
      buffer: PublishBuffer;
      parsers: ParserRegistry;
      metrics: PipelineMetrics;
      tracer: Telemetry['tracer'];
      now(): number;
      /** Where rejected lines are told; without it they are only counted and published. */
      logger?: Logger;
    },
  ) {
    this.rejectionWarnings = new WarningThrottle(undefined, () => deps.now());
  }

  /** Throws VIGIL_CONTRACT_INVALID for an unknown format; everything else is in the outcome. */
  ingest(items: readonly IngestItem[], source: IngestSource, format: string | undefined, ackTimeoutMs?: number): IngestOutcome {
    const parser = this.deps.parsers.parserFor(format);
    const labels = { source: source.kind, format: parser.format };
    // The trace starts here: the sink's publish span continues it and carries it into events.v1.
    const span = startSpan(this.deps.tracer, 'collector.ingest', { parent: source.trace, attributes: { 'vigil.source': source.kind, 'vigil.format': parser.format, 'vigil.items': items.length } });
    const { events, rejections } = parseItems(items, parser, source.name, this.deps.now());
    const rejectedByReason: Record<string, number> = {};
    for (const rejection of rejections) rejectedByReason[rejection.reason] = (rejectedByReason[rejection.reason] ?? 0) + 1;
    if (items.length > 0) this.deps.metrics.received(items.length, labels);
    for (const [reason, count] of Object.entries(rejectedByReason)) this.deps.metrics.rejected(count, reason, labels);
    const published = this.deps.buffer.offer({ events, rejections, trace: span.context }, ackTimeoutMs);
    span.setAttributes({ 'vigil.accepted': events.length, 'vigil.rejected': rejections.length });
    span.end();
    this.warnOfRejections(source, parser.format, rejections);
    return { accepted: events.length, rejected: rejections.length, rejectedByReason, published };
  }

  /**
   * A file, stdin or syslog input has no answer to carry its rejections, and in the embedded mode
   * nobody reads rejected.v1: a log in a format Vigil does not read was only a metric, and a
   * user who followed their access log saw nothing at all. One warning a minute per input says
   * how many lines were rejected, the latest with its reason and (redacted) sample.
   */
  private warnOfRejections(source: IngestSource, format: string, rejections: readonly RejectedInput[]): void {
    const latest = rejections.at(-1);
    if (this.deps.logger === undefined || latest === undefined) return;
    const count = this.rejectionWarnings.due(source.name, rejections.length);
    if (count === undefined) return;
    this.deps.logger.warn(
      { source: source.name, format, rejected: count, reason: latest.reason, sample: latest.sample },
      `${source.name}: ${count} ${count === 1 ? 'line' : 'lines'} rejected (format ${format}), the latest ${latest.reason}: ${JSON.stringify(latest.sample)}. ` +
        'vigil parse on a copy of the log names the reason for each line; a custom nginx log_format needs VIGIL_NGINX_LOG_FORMAT. At most one such warning a minute per input.',
    );
  }

  /**
   * ingest() for a source that cannot be asked to send the lines again (syslog, stdin): when Kafka
   * never takes them, the accepted lines are counted as discarded (publish_failed) and a warning
   * says so. Only the accepted ones: the rejected ones are counted as rejected already, and
   * counting them twice would break received = sent + rejected + discarded.
   */
  ingestUnacknowledged(items: readonly IngestItem[], source: IngestSource, format: string | undefined, logger: Logger): IngestOutcome {
    const outcome = this.ingest(items, source, format);
    outcome.published.catch((error: unknown) => {
      this.deps.metrics.discarded(outcome.accepted, 'publish_failed', { source: source.kind });
      logger.warn({ err: error, source: source.kind }, `${source.kind} lines could not be published`);
    });
    return outcome;
  }
}
