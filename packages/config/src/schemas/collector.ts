// Environment settings of the collector service: its inputs, their limits, and how events are
// published. Parser options (format, nginx log_format, normalization, VIGIL_MAX_LINE_LENGTH) live in
// formatsSchema.

import { bearerTokenProblem, boolean, integer, list, listenAddress, networkProblem, oneOf, optional, string } from '../field';

const KIB = 1024;
const MIB = 1024 * KIB;

const formatOverride = (env: string, input: string) =>
  optional(
    string({
      env,
      description: `Log format of ${input} (auto or a format name). Unset: VIGIL_FORMAT.`,
      example: 'nginx',
      pattern: /^[a-z0-9-]+$/,
      patternProblem: 'must be a format name such as auto, nginx or kong',
    }),
  );

export const collectorSchema = {
  // HTTP ingest (POST /v1/logs on VIGIL_HTTP_PORT)
  httpIngest: boolean({
    env: 'VIGIL_HTTP_INGEST',
    description: 'Accept logs on POST /v1/logs (NDJSON, JSON arrays, raw lines, Kong http-log, Fluent Bit, Vector, Firehose).',
    example: 'off',
    default: true,
  }),
  ingestTokens: optional(
    list({
      env: 'VIGIL_INGEST_TOKENS',
      item: bearerTokenProblem,
      description:
        'Bearer tokens accepted on POST /v1/logs (also in X-Amz-Firehose-Access-Key); several for rotation. Given as VIGIL_INGEST_TOKENS_FILE, the file is read again within a minute of a change, so rotating needs no restart. Unset: HTTP ingest refuses every request.',
      example: 'ing-3f8a...,ing-91bc...',
      secret: true,
    }),
  ),
  ingestRatePerSecond: integer({
    env: 'VIGIL_INGEST_RATE_PER_SECOND',
    description: 'Requests per second each ingest token may make before getting 429 with Retry-After.',
    example: '500',
    default: 100,
    min: 1,
  }),
  ingestBurst: integer({
    env: 'VIGIL_INGEST_BURST',
    description: 'Requests an ingest token may make at once above its steady rate.',
    example: '1000',
    default: 200,
    min: 1,
  }),
  maxBodyBytes: integer({
    env: 'VIGIL_INGEST_MAX_BODY_BYTES',
    description: 'Largest request body accepted on POST /v1/logs, as sent (413 above).',
    example: '16777216',
    default: 8 * MIB,
    min: 1 * KIB,
  }),
  maxDecompressedBytes: integer({
    env: 'VIGIL_INGEST_MAX_DECOMPRESSED_BYTES',
    description: 'Largest body after gzip/deflate decoding, including gzip\'d Firehose records (stops gzip bombs; 413 above).',
    example: '134217728',
    default: 64 * MIB,
    min: 1 * KIB,
  }),
  maxLinesPerRequest: integer({
    env: 'VIGIL_INGEST_MAX_LINES',
    description: 'Most lines or records one request may carry (413 above: split the batch).',
    example: '200000',
    default: 100_000,
    min: 1,
  }),
  httpMessageKeys: list({
    env: 'VIGIL_HTTP_MESSAGE_KEYS',
    description:
      'JSON fields that hold a raw log line when a shipper wraps lines in objects (Fluent Bit "log", Vector "message"). Empty: objects are always access-log records.',
    example: 'log,message',
    default: ['log', 'message'],
    allowEmpty: true,
  }),
  publishTimeoutMs: integer({
    env: 'VIGIL_INGEST_ACK_TIMEOUT_MS',
    description: 'How long an HTTP request waits for Kafka to acknowledge its events before answering 503.',
    example: '5000',
    default: 10_000,
    min: 100,
  }),

  // Syslog
  syslogUdpPort: optional(
    integer({
      env: 'VIGIL_SYSLOG_UDP_PORT',
      description: 'UDP port for syslog (RFC 3164/5424). Unset: no UDP syslog. 0 picks a free port.',
      example: '5514',
      min: 0,
      max: 65535,
    }),
  ),
  syslogTcpPort: optional(
    integer({
      env: 'VIGIL_SYSLOG_TCP_PORT',
      description: 'TCP port for syslog (newline or octet-counted framing). Unset: no TCP syslog. 0 picks a free port.',
      example: '5514',
      min: 0,
      max: 65535,
    }),
  ),
  syslogHost: listenAddress({
    env: 'VIGIL_SYSLOG_HOST',
    description: 'Address the syslog listeners bind to: 127.0.0.1, 0.0.0.0 (all interfaces), :: or one address of this machine.',
    example: '0.0.0.0',
    default: '127.0.0.1',
  }),
  syslogAllowedNetworks: list({
    env: 'VIGIL_SYSLOG_ALLOWED_NETWORKS',
    description: 'Source networks (CIDR) syslog is accepted from, UDP and TCP; syslog carries no token. Others are dropped and counted.',
    example: '10.0.0.0/8,192.168.0.0/16,127.0.0.0/8',
    default: ['127.0.0.0/8', '::1/128'],
    item: (item: string) => networkProblem(item, 'required'),
  }),
  syslogTlsCertFile: optional(
    string({
      env: 'VIGIL_SYSLOG_TLS_CERT_FILE',
      description: 'PEM certificate for syslog over TLS on the TCP port (with VIGIL_SYSLOG_TLS_KEY_FILE). Renewed files are picked up within a minute. Unset: plain TCP.',
      example: '/etc/vigil/syslog.crt',
      requires: 'VIGIL_SYSLOG_TLS_KEY_FILE',
    }),
  ),
  syslogTlsKeyFile: optional(
    string({
      env: 'VIGIL_SYSLOG_TLS_KEY_FILE',
      description: 'PEM private key for syslog over TLS.',
      example: '/etc/vigil/syslog.key',
      requires: 'VIGIL_SYSLOG_TLS_CERT_FILE',
    }),
  ),
  syslogMaxConnections: integer({
    env: 'VIGIL_SYSLOG_MAX_CONNECTIONS',
    description: 'Most syslog TCP connections open at once.',
    example: '1000',
    default: 256,
    min: 1,
  }),
  syslogUdpReceiveBufferBytes: integer({
    env: 'VIGIL_SYSLOG_UDP_RECEIVE_BUFFER_BYTES',
    description:
      'Receive buffer asked of the kernel for the syslog UDP socket: what a burst may queue before the kernel drops datagrams. Linux grants at most net.core.rmem_max (raise it with sysctl -w net.core.rmem_max=8388608); the collector logs what it got.',
    example: '33554432',
    default: 8 * MIB,
    min: 64 * KIB,
  }),
  syslogFormat: formatOverride('VIGIL_SYSLOG_FORMAT', 'syslog message parts'),

  // File tail
  files: optional(
    list({
      env: 'VIGIL_FILES',
      description: 'Files or globs to follow across rotation and truncation. Unset: no file input.',
      example: '/var/log/nginx/access.log,/var/log/haproxy/*.log',
    }),
  ),
  fileStateDir: string({
    env: 'VIGIL_FILE_STATE_DIR',
    description: 'Directory of the file-tail offsets, written after lines are published so a restart neither loses nor re-sends.',
    example: '/var/lib/vigil',
    default: './vigil-state',
  }),
  fileStartAt: oneOf({
    env: 'VIGIL_FILE_START_AT',
    description:
      'Where a file found at the first start is read from, when the saved offsets name nothing at its path. Files appearing later, and files that replaced a followed one while Vigil was stopped (rotated, recreated), are read from the beginning.',
    example: 'beginning',
    default: 'end',
    values: ['beginning', 'end'] as const,
  }),
  filePollMs: integer({
    env: 'VIGIL_FILE_POLL_MS',
    description: 'How often followed files and globs are checked for new lines, rotation and truncation.',
    example: '500',
    default: 250,
    min: 10,
  }),
  fileFormat: formatOverride('VIGIL_FILE_FORMAT', 'followed files'),

  // stdin
  stdin: oneOf({
    env: 'VIGIL_STDIN',
    description: 'Read log lines from standard input (pipes, backfills): on, off, or auto (on when stdin is a pipe or file).',
    example: 'on',
    default: 'off',
    values: ['off', 'on', 'auto'] as const,
  }),
  stdinFormat: formatOverride('VIGIL_STDIN_FORMAT', 'standard input'),

  // Publishing
  bufferMaxEvents: integer({
    env: 'VIGIL_BUFFER_MAX_EVENTS',
    description: 'Events held while waiting for Kafka; when full, HTTP answers 503 and TCP and file reading pause.',
    example: '200000',
    default: 100_000,
    min: 100,
  }),
  eventsEncoding: oneOf({
    env: 'VIGIL_EVENTS_ENCODING',
    description:
      'events.v1 record layout: table (many events of one partition per record, field names and strings written once; smallest and fastest), batch (the same events as a plain JSON array) or single (one event per record, for outside consumers). See docs/events.md.',
    example: 'batch',
    default: 'table',
    values: ['table', 'batch', 'single'] as const,
  }),
  eventsPerRecord: integer({
    env: 'VIGIL_EVENTS_PER_RECORD',
    description: 'Most events packed into one events.v1 record with VIGIL_EVENTS_ENCODING=table or batch.',
    example: '500',
    default: 200,
    min: 1,
    max: 10_000,
  }),
  maxRecordBytes: integer({
    env: 'VIGIL_MAX_RECORD_BYTES',
    description: 'Largest events.v1 record value; keep under the topic\'s max.message.bytes (1 MiB by default).',
    example: '900000',
    default: 900_000,
    min: 1 * KIB,
  }),
  drainTimeoutMs: integer({
    env: 'VIGIL_DRAIN_TIMEOUT_MS',
    description: 'On shutdown, how long to keep publishing buffered events before giving up.',
    example: '30000',
    default: 15_000,
    min: 0,
  }),
};
