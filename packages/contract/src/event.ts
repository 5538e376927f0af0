// ApiAccessEvent: the one shape every log format produces and every stage consumes (v1).

export const GATEWAY_KINDS = [
  'nginx',
  'apache',
  'envoy',
  'kong',
  'aws-apigateway',
  'aws-alb',
  'aws-cloudfront',
  'traefik',
  'haproxy',
  'caddy',
  'json',
] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

/** The service of events whose log names none, unless VIGIL_DEFAULT_SERVICE names it. */
export const UNNAMED_SERVICE = '-';

/**
 * `response.status` of a request the gateway sent no response to, mostly because the client went
 * away first: Envoy logs 0, HAProxy -1, Traefik `-` or 0, CloudFront 000. Such an event counts as a
 * request (rates, latency, bytes) and never as a 4xx or 5xx, an auth failure or a rate limit.
 */
export const NO_RESPONSE_STATUS = 0;

/** What alerts add after the unnamed service: what it is, and how to name it. */
export const UNNAMED_SERVICE_HINT = ' (unnamed: set VIGIL_DEFAULT_SERVICE)';

/** How alerts name a service. */
export function serviceLabel(service: string): string {
  return service === UNNAMED_SERVICE ? `${service}${UNNAMED_SERVICE_HINT}` : service;
}

export interface ApiAccessEvent {
  v: 1;
  /** Event time of the request, epoch milliseconds (when the gateway saw it). */
  time: number;
  gateway: GatewayKind;
  /** Service or virtual host the request was for; UNNAMED_SERVICE ("-") when the log does not say and VIGIL_DEFAULT_SERVICE is unset. */
  service: string;
  client: {
    /** Client IP (after trusted-proxy X-Forwarded-For handling), possibly pseudonymized. */
    ip: string;
    /** Consumer or API-key id when the gateway knows it. */
    id?: string;
    /** Entity key for per-client state and Kafka partitioning: `id` when known, else `ip`. */
    key: string;
    userAgent?: string;
  };
  request: {
    method: string;
    /** Path without the query string. */
    path: string;
    /** Route template, e.g. /users/{id}; method is not part of it. */
    route: string;
    /** Query string after redaction of credential-bearing parameters, without the "?". */
    query?: string;
    /** First object id replaced by the route templater (enumeration signal). */
    objectId?: string;
    /** Request id when the gateway logs one. */
    id?: string;
    protocol?: string;
  };
  response: {
    /** HTTP status, 100–999; NO_RESPONSE_STATUS (0) when the gateway sent no response. */
    status: number;
    bytes: number;
    latencyMs?: number;
    upstreamLatencyMs?: number;
  };
}
