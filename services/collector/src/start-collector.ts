// Wires the collector: one publish buffer and Kafka sink, the shared parse pipeline, and each
// input enabled by env (HTTP ingest, syslog UDP/TCP, file tail, stdin). stop() stops the inputs,
// flushes the buffer to Kafka, then saves file offsets.

import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { ENCODING_EVENT_BATCH, ENCODING_EVENT_TABLE } from '@vigil/contract';
import { collectorSchema, loadConfig, type ConfigOf, type Env } from '@vigil/config';
import { followTokenFile, TokenBucketLimiter, urlHost, type VigilHttpServer } from '@vigil/http';
import { COMPONENT_METRICS, type Logger, type Telemetry } from '@vigil/telemetry';
import type { Transport } from '@vigil/transport';
import { IngestPipeline } from './ingest-pipeline';
import { parserSettings } from './parser-settings';
import { createKafkaPublish } from './sinks/kafka-publisher';
import { PublishBuffer } from './sinks/publish-buffer';
import { FileTailer } from './sources/file/file-tailer';
import { OffsetStore } from './sources/file/offset-store';
import { IngestAudit } from './sources/http/ingest-audit';
import { INGEST_PATH, createIngestHandler } from './sources/http/ingest-handler';
import { readStdin } from './sources/stdin/stdin-source';
import { NetworkAllowList } from './sources/syslog/network-allow-list';
import { startSyslogTcp, startSyslogUdp, type SyslogDeps } from './sources/syslog/syslog-servers';
import { ParserRegistry, checkInputFormats } from './transforms/parser-registry';
import type { ServiceDeps } from '@vigil/service';

export interface RunningCollector {
  stop(): Promise<void>;
  describe(): string[];
  /** Where the syslog listeners are bound (ports chosen by the OS when configured as 0). */
  syslog: { udp?: AddressInfo; tcp?: AddressInfo };
}

/** Knobs for embedding and tests; production uses the defaults. */
export interface CollectorRuntimeOptions {
  /** The stream VIGIL_STDIN reads. Default process.stdin. */
  stdin?: Readable;
  /** How often VIGIL_INGEST_TOKENS_FILE is checked for a change. Default 60 s. */
  tokenFileCheckMs?: number;
}

/** Items per Kafka send: large enough to pack full records per partition, small enough to ack often. */
const MAX_ITEMS_PER_SEND = 20_000;

function stdinEnabled(setting: ConfigOf<typeof collectorSchema>['stdin'], stream: Readable & { isTTY?: boolean }): boolean {
  return setting === 'on' || (setting === 'auto' && stream.isTTY !== true);
}

export async function startCollector(deps: ServiceDeps, runtime: CollectorRuntimeOptions = {}): Promise<RunningCollector> {
  const { transport, logger, telemetry, http } = deps;
  const config = loadConfig(collectorSchema, deps.env);
  const parsing = parserSettings(deps.env);
  const metrics = telemetry.pipeline('collector');
  const now = () => Date.now();
  const producer = await transport.producer();

  const buffer = new PublishBuffer({
    maxItems: config.bufferMaxEvents,
    maxItemsPerSend: MAX_ITEMS_PER_SEND,
    publish: createKafkaPublish({
      transport,
      producer,
      encoding: config.eventsEncoding,
      eventsPerRecord: config.eventsPerRecord,
      maxRecordBytes: config.maxRecordBytes,
      tracer: telemetry.tracer,
      onPublished: (events) => metrics.sent(events),
    }),
    onSendFailed: (error, willRetry) => {
      metrics.error('publish');
      logger.warn({ err: error, willRetry }, willRetry ? 'Kafka send failed; retrying' : 'Kafka refused records');
    },
  });
  http.addReadinessCheck('collector-kafka', () => {
    const status = buffer.status();
    // A failed send counts until a send succeeds, or, once nothing waits to be sent (every sender
    // gave up, and a load balancer that heeds /readyz sends no more), until the brokers answer.
    const failed = !status.kafkaAvailable && (status.queuedItems > 0 || !producer.answeredSince(status.failedAt ?? 0));
    if (failed) return `Kafka unavailable: ${status.problem ?? 'the last send failed'} (the log has Kafka's error)`;
    // Without traffic no send fails: the producer's own check of the brokers tells of an outage.
    const unreachable = producer.problem();
    return unreachable === undefined ? true : `Kafka unavailable: ${unreachable}`;
  });
  http.addReadinessCheck('collector-buffer', () => (buffer.hasRoom() ? true : 'collector buffer full'));

  const parsers = new ParserRegistry(parsing.options, parsing.defaultFormat);
  // An input without a format of its own uses VIGIL_FORMAT's parser, checked first.
  checkInputFormats(parsers, [
    ['VIGIL_FORMAT', undefined],
    ['VIGIL_SYSLOG_FORMAT', config.syslogFormat],
    ['VIGIL_FILE_FORMAT', config.fileFormat],
    ['VIGIL_STDIN_FORMAT', config.stdinFormat],
  ]);
  const pipeline = new IngestPipeline({ buffer, parsers, metrics, tracer: telemetry.tracer, now, logger });
  const audit = new IngestAudit(logger);
  const banner: string[] = [];
  const stoppers: Array<() => Promise<void>> = [];

  if (config.httpIngest) {
    // Followed in place when given as VIGIL_INGEST_TOKENS_FILE: rotating a token needs no restart.
    const tokens = [...(config.ingestTokens ?? [])];
    const stopFollowingTokens = followTokenFile(tokens, collectorSchema.ingestTokens, deps.env, logger, runtime.tokenFileCheckMs);
    stoppers.push(async () => stopFollowingTokens());
    http.route(
      'POST',
      INGEST_PATH,
      createIngestHandler({
        tokens,
        limiter: new TokenBucketLimiter({ ratePerSecond: config.ingestRatePerSecond, burst: config.ingestBurst }),
        authFailures: http.authFailures,
        pipeline,
        audit,
        logger,
        limits: {
          maxBodyBytes: config.maxBodyBytes,
          maxDecompressedBytes: config.maxDecompressedBytes,
          maxLineBytes: parsing.maxLineBytes,
          maxLines: config.maxLinesPerRequest,
          messageKeys: config.httpMessageKeys,
        },
        ackTimeoutMs: config.publishTimeoutMs,
        now,
      }),
    );
    banner.push(
      tokens.length > 0
        ? `HTTP ingest: POST ${INGEST_PATH} (${tokens.length} token${tokens.length === 1 ? '' : 's'}; NDJSON, JSON, text, Firehose)`
        : `HTTP ingest: POST ${INGEST_PATH} refuses every request until VIGIL_INGEST_TOKENS is set`,
    );
  }

  const syslog: RunningCollector['syslog'] = {};
  if (config.syslogUdpPort !== undefined || config.syslogTcpPort !== undefined) {
    const syslogDeps: SyslogDeps = {
      pipeline,
      buffer,
      allowList: new NetworkAllowList(config.syslogAllowedNetworks),
      audit,
      metrics,
      logger,
      maxLineBytes: parsing.maxLineBytes,
      format: config.syslogFormat,
    };
    const from = `from ${config.syslogAllowedNetworks.join(',')}`;
    if (config.syslogUdpPort !== undefined) {
      const udp = await startSyslogUdp(syslogDeps, {
        host: config.syslogHost,
        port: config.syslogUdpPort,
        receiveBufferBytes: config.syslogUdpReceiveBufferBytes,
        kernelDrops: telemetry.counter(COMPONENT_METRICS.syslogUdpDropped.name, COMPONENT_METRICS.syslogUdpDropped.description),
      });
      syslog.udp = udp.address;
      stoppers.push(udp.close);
      banner.push(`syslog UDP on ${urlHost(udp.address.address, udp.address.port)} ${from}`);
    }
    if (config.syslogTcpPort !== undefined) {
      const tls =
        config.syslogTlsCertFile !== undefined && config.syslogTlsKeyFile !== undefined
          ? {
              certFile: config.syslogTlsCertFile,
              keyFile: config.syslogTlsKeyFile,
              certVariable: 'VIGIL_SYSLOG_TLS_CERT_FILE',
              keyVariable: 'VIGIL_SYSLOG_TLS_KEY_FILE',
            }
          : undefined;
      const tcp = await startSyslogTcp(syslogDeps, {
        host: config.syslogHost,
        port: config.syslogTcpPort,
        maxConnections: config.syslogMaxConnections,
        ...(tls === undefined ? {} : { tls }),
      });
      syslog.tcp = tcp.address;
      stoppers.push(tcp.close);
      banner.push(`syslog ${tls ? 'TLS' : 'TCP'} on ${urlHost(tcp.address.address, tcp.address.port)} ${from}`);
    }
  }

  let tailer: FileTailer | undefined;
  if (config.files !== undefined) {
    tailer = new FileTailer({
      patterns: config.files,
      pollMs: config.filePollMs,
      startAt: config.fileStartAt,
      maxLineBytes: parsing.maxLineBytes,
      store: new OffsetStore(config.fileStateDir),
      logger,
      ingest: (items, path) => pipeline.ingest(items, { name: `file:${path}`, kind: 'file' }, config.fileFormat).published,
      hasRoom: () => buffer.hasRoom(),
    });
    await tailer.start();
    const running = tailer;
    stoppers.push(() => running.stop());
    banner.push(`file tail: ${config.files.join(', ')} (offsets in ${config.fileStateDir})`);
    for (const [what, reason] of running.notFollowed()) banner.push(`file tail: not following ${what}: ${reason}`);
  }

  const stdinStream = runtime.stdin ?? process.stdin;
  if (stdinEnabled(config.stdin, stdinStream)) {
    const reader = readStdin({
      stream: stdinStream,
      maxLineBytes: parsing.maxLineBytes,
      ingest: (items) => void pipeline.ingestUnacknowledged(items, { name: 'stdin', kind: 'stdin' }, config.stdinFormat, logger),
      buffer,
    });
    void reader.done.then(() => logger.info('stdin ended'));
    stoppers.push(async () => reader.stop());
    banner.push('stdin: reading log lines');
  }

  banner.push(
    `publishing to ${transport.topic('events')} (${config.eventsEncoding === 'single' ? 'one event per record' : `up to ${config.eventsPerRecord} events per record, ${config.eventsEncoding === 'table' ? ENCODING_EVENT_TABLE : ENCODING_EVENT_BATCH}`}), rejects to ${transport.topic('rejected')}; default format ${parsing.defaultFormat}`,
  );

  return {
    syslog,
    describe: () => banner,
    stop: async () => {
      for (const stopInput of stoppers) await stopInput();
      const drained = await buffer.drain(config.drainTimeoutMs);
      if (!drained) logger.warn({ queued: buffer.status().queuedItems }, 'stopping with events Kafka did not acknowledge');
      buffer.close();
      await tailer?.persist();
      await producer.close().catch((error: unknown) => logger.warn({ err: error }, 'producer close failed'));
    },
  };
}
