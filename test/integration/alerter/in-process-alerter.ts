// The real alerter in this process with its own transport, telemetry and HTTP server on a free
// port. No vitest imports: the child-process entry script uses it too.

import { startAlerter } from '@vigil/alerter';
import { kafkaSchema, loadConfig, type Env } from '@vigil/config';
import { VigilHttpServer } from '@vigil/http';
import { createLogger, createTelemetry, type Telemetry } from '@vigil/telemetry';
import { createTransport } from '@vigil/transport';

export interface InProcessAlerter {
  url: string;
  telemetry: Telemetry;
  stop(): Promise<void>;
}

export async function startInProcessAlerter(env: Env): Promise<InProcessAlerter> {
  const logger = createLogger({ name: 'alerter-test', level: env.VIGIL_LOG_LEVEL ?? 'warn' });
  const telemetry = createTelemetry('alerter-test');
  const transport = createTransport({ kafka: loadConfig(kafkaSchema, env), logger, telemetry });
  const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
  const alerter = await startAlerter({ transport, logger, telemetry, http, env }, { tickMs: 100 });
  const address = await http.listen();
  return {
    url: `http://127.0.0.1:${address.port}`,
    telemetry,
    async stop() {
      await http.close();
      await alerter.stop();
      await transport.close();
    },
  };
}

