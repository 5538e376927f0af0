// The shape every service's start function takes and returns (startCollector, startDetector,
// startAlerter), so `vigil start` runs one or all of them the same way.

import type { Env } from '@vigil/config';
import type { VigilHttpServer } from '@vigil/http';
import type { Logger, Telemetry } from '@vigil/telemetry';
import type { Transport } from '@vigil/transport';

export interface ServiceDeps {
  transport: Transport;
  logger: Logger;
  telemetry: Telemetry;
  /** The process's one HTTP server: a service registers its routes; the caller listens. */
  http: VigilHttpServer;
  env: Env;
}

export interface RunningService {
  /** Drains in-flight work, commits offsets and releases resources. */
  stop(): Promise<void>;
  /** Lines for the start-up banner: inputs, channels, where it listens. */
  describe(): string[];
}
