// Settings every Vigil process shares: its HTTP port, logging and admin tokens.

import { integer, list, oneOf, optional } from '../field';

export const commonSchema = {
  httpPort: integer({
    env: 'VIGIL_HTTP_PORT',
    description: 'The one HTTP port of this process: ingest, silence API, /metrics, /healthz, /readyz. 0 picks a free port.',
    example: '8080',
    default: 8080,
    min: 0,
    max: 65535,
  }),
  httpHost: oneOf({
    env: 'VIGIL_HTTP_HOST',
    description: 'Address to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces).',
    example: '0.0.0.0',
    default: '127.0.0.1',
    values: ['127.0.0.1', '0.0.0.0', '::', '::1'] as const,
  }),
  logLevel: oneOf({
    env: 'VIGIL_LOG_LEVEL',
    description: 'Minimum level of structured logs on stderr.',
    example: 'debug',
    default: 'info',
    values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const,
  }),
  adminTokens: optional(
    list({
      env: 'VIGIL_ADMIN_TOKENS',
      description: 'Bearer tokens for admin endpoints (silences); several for rotation. Unset: admin endpoints refuse every request.',
      example: 'adm-2f9c...,adm-77ab...',
      secret: true,
    }),
  ),
  metricsToken: optional(
    list({
      env: 'VIGIL_METRICS_TOKENS',
      description: 'Bearer tokens required on /metrics. Unset: /metrics is open (like /healthz), for Prometheus scrapers on a private network.',
      example: 'prom-81c2...',
      secret: true,
    }),
  ),
};
