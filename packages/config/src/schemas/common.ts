// Settings every Vigil process shares: its HTTP port, logging and admin tokens.

import { bearerTokenProblem, integer, list, listenAddress, oneOf, optional, string } from '../field';

export const commonSchema = {
  httpPort: integer({
    env: 'VIGIL_HTTP_PORT',
    description: 'The one HTTP port of this process: ingest, silence API, /metrics, /healthz, /readyz. 0 picks a free port.',
    example: '8080',
    default: 8080,
    min: 0,
    max: 65535,
  }),
  httpHost: listenAddress({
    env: 'VIGIL_HTTP_HOST',
    description: 'Address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (all interfaces), :: (all, IPv6 too) or one address of this machine.',
    example: '0.0.0.0',
    default: '127.0.0.1',
  }),
  httpMaxConnections: integer({
    env: 'VIGIL_HTTP_MAX_CONNECTIONS',
    description:
      'Most connections the HTTP port keeps open at once; more are closed on arrival and counted (vigil_http_connections_dropped_total). Shippers hold a few keep-alive connections each: raise it for a large fleet on one collector.',
    example: '4096',
    default: 1024,
    min: 1,
  }),
  httpMaxConnectionsPerAddress: integer({
    env: 'VIGIL_HTTP_MAX_CONNECTIONS_PER_ADDRESS',
    description:
      'Most connections the HTTP port keeps open at once from one client address, so one client holding connections cannot take every place under VIGIL_HTTP_MAX_CONNECTIONS; more are closed on arrival and counted. Behind a proxy every connection comes from the proxy: keep it above the proxy\'s connection pool.',
    example: '512',
    default: 256,
    min: 1,
  }),
  httpAuthFailuresPerMinute: integer({
    env: 'VIGIL_HTTP_AUTH_FAILURES_PER_MINUTE',
    description:
      'Requests with a missing or wrong token (ingest, /metrics, silence API) one client address may make per minute, at a steady pace, before more get 429 with Retry-After instead of 401 (counted in vigil_http_auth_failures_limited_total). A valid token is never counted or refused by it. The address is the connection\'s peer: behind a proxy every client shares the proxy\'s.',
    example: '30',
    default: 10,
    min: 1,
  }),
  httpAuthFailureBurst: integer({
    env: 'VIGIL_HTTP_AUTH_FAILURE_BURST',
    description: 'Requests with a missing or wrong token one client address may make at once before VIGIL_HTTP_AUTH_FAILURES_PER_MINUTE applies.',
    example: '20',
    default: 5,
    min: 1,
  }),
  httpTlsCertFile: optional(
    string({
      env: 'VIGIL_HTTP_TLS_CERT_FILE',
      description:
        'PEM certificate (with its chain) to serve HTTPS on VIGIL_HTTP_PORT, with VIGIL_HTTP_TLS_KEY_FILE: ingest tokens and admin tokens then never cross the network in clear. Renewed files are picked up within a minute. Unset: plain HTTP (behind a TLS-terminating proxy, or on 127.0.0.1).',
      example: '/etc/vigil/tls/tls.crt',
      requires: 'VIGIL_HTTP_TLS_KEY_FILE',
    }),
  ),
  httpTlsKeyFile: optional(
    string({
      env: 'VIGIL_HTTP_TLS_KEY_FILE',
      description: 'PEM private key of VIGIL_HTTP_TLS_CERT_FILE.',
      example: '/etc/vigil/tls/tls.key',
      requires: 'VIGIL_HTTP_TLS_CERT_FILE',
    }),
  ),
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
      item: bearerTokenProblem,
      description: 'Bearer tokens for admin endpoints (silences); several for rotation. Given as VIGIL_ADMIN_TOKENS_FILE, the file is read again within a minute of a change, so rotating needs no restart. Unset: admin endpoints refuse every request.',
      example: 'adm-2f9c...,adm-77ab...',
      secret: true,
    }),
  ),
  metricsToken: optional(
    list({
      env: 'VIGIL_METRICS_TOKENS',
      item: bearerTokenProblem,
      description: 'Bearer tokens required on /metrics; as VIGIL_METRICS_TOKENS_FILE, read again within a minute of a change. Unset: /metrics is open (like /healthz), for Prometheus scrapers on a private network.',
      example: 'prom-81c2...',
      secret: true,
    }),
  ),
};
