// Starts Vigil's services in this process against a real broker, the way `vigil start` does with
// KAFKA_BROKERS set, on fresh topics, with a telemetry that also counts what each component received.

import { request } from 'node:http';
import { VigilHttpServer } from '../../packages/http/src/index';
import type { PipelineMetrics, Telemetry } from '../../packages/telemetry/src/index';
import { startAlerter } from '../../services/alerter/src/index';
import { startCollector } from '../../services/collector/src/index';
import { startDetector } from '../../services/detector/src/index';
import { benchEnv, benchTransport, uniquePrefix } from './kafka-bench';

const INGEST_TOKEN = 'bench-ingest-token';

export interface VigilStack {
  ingestUrl: string;
  /** The environment the services were started with (brokers, topic prefix, group ids), for a child process to join. */
  env: Record<string, string>;
  /** Events each component reported as received (vigil_events_received_total by component). */
  received(component: string): number;
  stop(): Promise<void>;
}

/** A telemetry that also tells `onReceived` what each component reports as received. */
export function countingTelemetry(base: Telemetry, onReceived: (component: string, count: number) => void): Telemetry {
  const telemetry = Object.create(base) as Telemetry;
  Object.defineProperty(telemetry, 'pipeline', {
    value: (component: string): PipelineMetrics => {
      const metrics = base.pipeline(component);
      return {
        ...metrics,
        received: (count, attributes) => {
          onReceived(component, count);
          metrics.received(count, attributes);
        },
      };
    },
  });
  return telemetry;
}

interface StackOptions {
  brokers: string[];
  services: ReadonlyArray<'collector' | 'detector' | 'alerter'>;
  env?: Record<string, string>;
}

/** Starts the chosen services on fresh topics (see benchTransport for why it waits for them). */
export async function startVigilStack(options: StackOptions): Promise<VigilStack> {
  const prefix = uniquePrefix(options.services.join('-'));
  const { transport, telemetry: base, logger } = await benchTransport(options.brokers, prefix);
  const counts = new Map<string, number>();
  const telemetry = countingTelemetry(base, (component, count) => counts.set(component, (counts.get(component) ?? 0) + count));
  const env = benchEnv(options.brokers, prefix, {
    VIGIL_INGEST_TOKENS: INGEST_TOKEN,
    VIGIL_INGEST_RATE_PER_SECOND: '1000000',
    VIGIL_INGEST_BURST: '1000000',
    VIGIL_DETECTOR_GROUP_ID: `${prefix}detector`,
    VIGIL_ALERTER_GROUP: `${prefix}alerter`,
    ...options.env,
  });
  const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
  const deps = { transport, logger, telemetry, http, env };
  const running: Array<{ stop(): Promise<void> }> = [];
  try {
    for (const service of options.services) {
      if (service === 'collector') running.push(await startCollector(deps));
      if (service === 'detector') running.push(await startDetector(deps));
      if (service === 'alerter') running.push(await startAlerter(deps));
    }
    const address = await http.listen();
    return {
      ingestUrl: `http://${address.host}:${address.port}/v1/logs`,
      env,
      received: (component) => counts.get(component) ?? 0,
      stop: async () => {
        await http.close();
        for (const service of running.reverse()) await service.stop();
        await transport.close();
      },
    };
  } catch (error) {
    for (const service of running.reverse()) await service.stop().catch(() => {});
    await transport.close();
    throw error;
  }
}

/** POSTs newline-separated nginx lines; resolves with the status and body once the collector answered. */
export function postLines(url: string, body: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'text/plain', 'x-vigil-format': 'nginx', 'content-length': Buffer.byteLength(body) },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
