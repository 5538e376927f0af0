// `vigil start [all|collector|detector|alerter]`: one service against Kafka, or all three in one
// process. Without KAFKA_BROKERS, `all` joins them with the in-process transport (the embedded default).

import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfig, commonSchema, kafkaSchema, loadConfig, shortTokenWarnings, unknownVariableWarnings, type Env } from '@vigil/config';
import { isVigilError, VigilError } from '@vigil/contract';
import { followTokenFile, localAddressOf, urlHost, VigilHttpServer } from '@vigil/http';
import { createLogger, createTelemetry, exportFailureLog, tracingSchema } from '@vigil/telemetry';
import { createTransport } from '@vigil/transport';
import { startAlerter } from '@vigil/alerter';
import { startCollector } from '@vigil/collector';
import { startDetector } from '@vigil/detector';
import { CONFIG_SECTIONS } from '../config-sections';
import type { CommandIo } from '../io';

const ROLES = ['all', 'collector', 'detector', 'alerter'] as const;
type Role = (typeof ROLES)[number];

const STARTERS = { collector: startCollector, detector: startDetector, alerter: startAlerter } as const;

export const HELP = `usage: vigil start [all|collector|detector|alerter]

Runs Vigil until Ctrl-C (or SIGTERM), then drains and stops.
  all        (default) the collector, detector and alerter in one process; without KAFKA_BROKERS
             they are joined in-process (the embedded default, no Kafka needed)
  collector  HTTP, syslog, file and stdin ingest, publishing events to Kafka (needs KAFKA_BROKERS)
  detector   baselines and anomalies from the events topic (needs KAFKA_BROKERS)
  alerter    notifications from the anomalies topic (needs KAFKA_BROKERS)
Configuration is by environment variables: vigil config prints them, README.md lists them.
`;

function parseRole(args: string[]): Role {
  const role = args[0] ?? 'all';
  if (!(ROLES as readonly string[]).includes(role) || args.length > 1) {
    throw new VigilError('VIGIL_CLI_USAGE', `usage: vigil start [${ROLES.join('|')}] (got "${args.join(' ')}")`);
  }
  return role as Role;
}

/** Where the embedded default leaves the ingest token it generated, for `vigil demo`. */
export const GENERATED_TOKEN_FILE = join('.vigil', 'ingest-token');

/**
 * The embedded default must take logs at once, yet ingest is never open: without
 * VIGIL_INGEST_TOKENS it generates a token for this run, prints it, and (once started) leaves
 * it (mode 0600) where `vigil demo` finds it.
 */
function withGeneratedIngestToken(env: CommandIo['env']): { env: CommandIo['env']; token?: string } {
  if (env.VIGIL_INGEST_TOKENS !== undefined && env.VIGIL_INGEST_TOKENS !== '') return { env };
  if (env.VIGIL_INGEST_TOKENS_FILE !== undefined && env.VIGIL_INGEST_TOKENS_FILE !== '') return { env };
  const token = `vgl_${randomBytes(18).toString('base64url')}`;
  return { env: { ...env, VIGIL_INGEST_TOKENS: token }, token };
}

/**
 * Leaves the generated token for `vigil demo`; only once Vigil is really up. A working directory
 * Vigil may not write (the Docker image's /app, run as user node) only costs the demo its
 * default token: the problem is returned for the banner, where it stopped start-up before.
 */
function saveGeneratedToken(token: string): string | undefined {
  try {
    mkdirSync('.vigil', { recursive: true, mode: 0o700 });
    writeFileSync(GENERATED_TOKEN_FILE, `${token}\n`, { mode: 0o600 });
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

/** Where `vigil demo` goes without --url, in a terminal with no VIGIL_HTTP_* set. */
const DEMO_DEFAULT_URL = 'http://127.0.0.1:8080';

/** ` --url <address>` for the demo hint, unless the demo would find Vigil without it. */
function demoUrlArgument(scheme: string, address: { host: string; port: number }): string {
  const url = `${scheme}://${urlHost(localAddressOf(address.host), address.port)}`;
  return url === DEMO_DEFAULT_URL ? '' : ` --url ${url}`;
}

/**
 * Resolves on the first SIGINT or SIGTERM. Later signals do not cut the drain short: Ctrl-C under
 * `pnpm vigil` reaches vigil twice (from the terminal and forwarded by pnpm). A third one forces exit.
 */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      received += 1;
      if (received === 1) resolve(signal);
      else if (received >= 3) process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/**
 * Every schema is checked before anything starts, so one run reports every bad variable at once
 * (each service would otherwise stop at the first schema with a problem).
 */
function checkEveryVariable(env: Env): void {
  const problems = CONFIG_SECTIONS.flatMap((section) => checkConfig(section.schema, env).problems);
  if (problems.length > 0) {
    throw new VigilError('VIGIL_CONFIG_INVALID', problems.map((p) => p.message).join('\n'), {
      details: { variables: problems.map((p) => p.env) },
    });
  }
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  const role = parseRole(args);
  checkEveryVariable(io.env);
  const common = loadConfig(commonSchema, io.env);
  const kafka = loadConfig(kafkaSchema, io.env);
  if (role !== 'all' && kafka.brokers === undefined) {
    throw new VigilError(
      'VIGIL_CLI_USAGE',
      `vigil start ${role} runs one service against Kafka: set KAFKA_BROKERS, e.g. KAFKA_BROKERS=127.0.0.1:9092 (or run "vigil start" for the embedded all-in-one)`,
    );
  }
  const embedded = role === 'all' && kafka.brokers === undefined;
  const { env, token: generatedToken } = embedded ? withGeneratedIngestToken(io.env) : { env: io.env };
  const logger = createLogger({ name: `vigil-${role}`, level: common.logLevel });
  const schemas = CONFIG_SECTIONS.map((s) => s.schema);
  for (const warning of [...unknownVariableWarnings(io.env, schemas), ...shortTokenWarnings(io.env, schemas)]) logger.warn(warning);
  const tracing = loadConfig(tracingSchema, io.env);
  const onExportFailure = tracing.otlpTracesUrl === undefined ? undefined : exportFailureLog(logger, tracing.otlpTracesUrl);
  const telemetry = createTelemetry(`vigil-${role}`, { tracing: { ...tracing, onExportFailure } });
  const transport = createTransport({ kafka, logger, telemetry });
  // Followed in place when given as VIGIL_METRICS_TOKENS_FILE: rotating a token needs no restart.
  const metricsTokens = common.metricsToken === undefined ? undefined : [...common.metricsToken];
  const stopFollowingTokens = followTokenFile(metricsTokens ?? [], commonSchema.metricsToken, io.env, logger);
  const http = new VigilHttpServer({
    host: common.httpHost,
    port: common.httpPort,
    logger,
    telemetry,
    maxConnections: common.httpMaxConnections,
    maxConnectionsPerAddress: common.httpMaxConnectionsPerAddress,
    authFailureLimit: { perMinute: common.httpAuthFailuresPerMinute, burst: common.httpAuthFailureBurst },
    ...(metricsTokens === undefined ? {} : { metricsTokens }),
    ...(common.httpTlsCertFile === undefined || common.httpTlsKeyFile === undefined
      ? {}
      : {
          tls: {
            certFile: common.httpTlsCertFile,
            keyFile: common.httpTlsKeyFile,
            certVariable: 'VIGIL_HTTP_TLS_CERT_FILE',
            keyVariable: 'VIGIL_HTTP_TLS_KEY_FILE',
          },
        }),
  });
  const scheme = common.httpTlsCertFile === undefined ? 'http' : 'https';

  const names = role === 'all' ? (['alerter', 'detector', 'collector'] as const) : ([role] as const);
  const running: Array<{ name: string; stop(): Promise<void>; describe(): string[] }> = [];
  const stopAll = async () => {
    stopFollowingTokens();
    await http.close();
    // Reverse start order: the collector stops taking input before the detector and alerter drain.
    for (const service of running.reverse()) {
      await service.stop().catch((error: unknown) => logger.error({ err: error, service: service.name }, 'stop failed'));
    }
    await transport.close();
    await telemetry.shutdown();
  };
  let signalled: Promise<NodeJS.Signals>;
  try {
    await transport.ensureTopics();
    for (const name of names) {
      const service = await STARTERS[name]({ transport, logger: logger.child({ service: name }), telemetry, http, env });
      running.push({ name, ...service });
    }
    const address = await http.listen();
    const unsaved = generatedToken === undefined ? undefined : saveGeneratedToken(generatedToken);
    const mode = transport.kind === 'kafka' ? `Kafka at ${(kafka.brokers ?? []).join(',')}` : 'embedded (in-process transport, no Kafka)';
    const lines = [
      `Vigil ${role} started: ${mode}`,
      `${scheme === 'https' ? 'HTTPS' : 'HTTP'} on ${scheme}://${urlHost(address.host, address.port)} (/healthz, /readyz, /metrics)`,
      ...running.flatMap((s) => s.describe().map((line) => `[${s.name}] ${line}`)),
      ...(generatedToken === undefined
        ? []
        : [
            unsaved === undefined
              ? `Ingest token for this run: ${generatedToken} (also in ${GENERATED_TOKEN_FILE}; set VIGIL_INGEST_TOKENS to choose your own)`
              : `Ingest token for this run: ${generatedToken} (not saved: cannot write ${GENERATED_TOKEN_FILE} in this directory (${unsaved}); set VIGIL_INGEST_TOKENS to choose your own)`,
            // One line, the newest: a whole log posted here plays its past as if it were now, and
            // every old incident in it alerts (the quickstart's advice: replay old logs instead).
            'Send a first log line, your newest:',
            `  tail -n 1 /var/log/nginx/access.log | curl -H "Authorization: Bearer ${generatedToken}" --data-binary @- ${scheme}://${urlHost(address.host, address.port)}/v1/logs`,
            '(posted here, an old log alerts on its past as if it were now: look into one with npx -y pnpm@10.34.8 vigil replay /var/log/nginx/access.log.1)',
            `or watch it catch an attack, in another terminal: npx -y pnpm@10.34.8 vigil demo${demoUrlArgument(scheme, address)}${unsaved === undefined ? '' : ` --token ${generatedToken}`}`,
          ]),
      'Press Ctrl-C to stop.',
    ];
    // Listen before telling anyone to press Ctrl-C, so a signal right after the message drains.
    signalled = untilSignal();
    io.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const signal = await signalled;
  io.stdout.write(`Received ${signal}, draining and stopping...\n`);
  await stopAll();
  io.stdout.write('Vigil stopped.\n');
  return 0;
}
