// The detector service in this process on a real broker, built from environment variables alone
// (no vitest imports: the child-process entry script uses it too).

import { kafkaSchema, loadConfig, type Env } from '@vigil/config';
import { startDetector, type RunningDetector } from '@vigil/detector';
import { VigilHttpServer } from '@vigil/http';
import { createLogger, createTelemetry } from '@vigil/telemetry';
import { KafkaTransport } from '@vigil/transport';

/**
 * A KafkaTransport from the environment, with a short session timeout so a SIGKILLed member's
 * partitions move to its successor in seconds rather than the default 30.
 */
export function detectorTransport(env: Env): KafkaTransport {
  return new KafkaTransport({
    kafka: loadConfig(kafkaSchema, env),
    logger: createLogger({ name: 'detector-test-transport', level: env['VIGIL_LOG_LEVEL'] ?? 'error' }),
    consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 },
  });
}

export interface InProcessDetector {
  detector: RunningDetector;
  /** Its HTTP port (/readyz, /metrics): `http://127.0.0.1:<port>`. */
  url: string;
  stop(): Promise<void>;
}

export async function startInProcessDetector(env: Env): Promise<InProcessDetector> {
  const transport = detectorTransport(env);
  const logger = createLogger({ name: 'vigil-detector', level: env['VIGIL_LOG_LEVEL'] ?? 'error' });
  const telemetry = createTelemetry('vigil-detector');
  const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
  const detector = await startDetector({ transport, logger, telemetry, http, env }, { tickMs: 200 });
  const address = await http.listen();
  return {
    detector,
    url: `http://127.0.0.1:${address.port}`,
    async stop() {
      await http.close();
      await detector.stop();
      await transport.close();
    },
  };
}

