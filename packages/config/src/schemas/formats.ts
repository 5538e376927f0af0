// Settings for parsing and normalizing access logs (shared by the collector and vigil replay).
// The format list mirrors FORMAT_NAMES of @vigil/formats; a test there keeps the two equal.

import { boolean, integer, list, networkProblem, oneOf, optional, string } from '../field';

export const FORMAT_CHOICES = [
  'auto', 'nginx', 'nginx-custom', 'nginx-json', 'apache', 'envoy', 'envoy-json', 'kong', 'aws-apigateway',
  'aws-alb', 'aws-cloudfront', 'traefik', 'traefik-json', 'haproxy', 'caddy', 'json',
] as const;

function fieldMapItemProblem(item: string): string | undefined {
  return /^[A-Za-z.]+=[^=]+$/.test(item) ? undefined : 'must be eventField=sourcePath, e.g. client.ip=remote.addr';
}

export const formatsSchema = {
  format: oneOf({
    env: 'VIGIL_FORMAT',
    description: 'Log format of incoming lines; auto detects it per line (the last match is tried first).',
    example: 'nginx',
    default: 'auto',
    values: FORMAT_CHOICES,
  }),
  nginxLogFormat: optional(
    string({
      env: 'VIGIL_NGINX_LOG_FORMAT',
      description: 'A custom nginx log_format template, as written in nginx.conf; used by nginx-custom and tried first by auto.',
      example: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time',
    }),
  ),
  jsonFieldMap: optional(
    list({
      env: 'VIGIL_JSON_FIELD_MAP',
      description: 'Generic JSON logs: event field = source field path, comma-separated (fields: time, service, client.ip, client.id, client.userAgent, client.forwardedFor, request.line, request.method, request.path, request.query, request.route, request.id, request.protocol, response.status, response.bytes, response.latencyMs, response.latencySeconds, response.upstreamLatencyMs).',
      example: 'time=ts,client.ip=remote,request.method=verb,request.path=uri,response.status=code,response.bytes=size',
      item: fieldMapItemProblem,
    }),
  ),
  maxLineLength: integer({
    env: 'VIGIL_MAX_LINE_LENGTH',
    description: 'Lines longer than this many characters are rejected as line_too_long.',
    example: '131072',
    default: 65536,
    min: 256,
    max: 16_777_216,
  }),
  maxFutureSeconds: integer({
    env: 'VIGIL_MAX_FUTURE_SECONDS',
    description:
      "Events timed more than this many seconds after the collector's clock are rejected as invalid_timestamp: one line from a gateway with a wrong clock would otherwise move the detector's time ahead and make every later event late.",
    example: '900',
    default: 300,
    min: 1,
    max: 31_622_400,
  }),
  defaultService: string({
    env: 'VIGIL_DEFAULT_SERVICE',
    description:
      'Service of the lines whose log names none (nginx combined and Apache common carry no Host): the name of the API those logs come from, so alerts say which one. Lines that name a service keep theirs.',
    example: 'shop-api',
    default: '-',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$|^-$/,
    patternProblem: 'must be a name of letters, digits, ".", "_", ":" or "-" (at most 100, starting with a letter or digit), e.g. shop-api',
  }),
  routeMaxPerService: integer({
    env: 'VIGIL_ROUTE_MAX_PER_SERVICE',
    description: 'Distinct route templates kept per service; later ones fold into /{other} so a scanner cannot explode cardinality.',
    example: '1000',
    default: 500,
    min: 1,
  }),
  routeMaxServices: integer({
    env: 'VIGIL_ROUTE_MAX_SERVICES',
    description: 'Services tracked (Host headers are client-chosen); requests for further services get service {other} and route /{other}.',
    example: '5000',
    default: 1000,
    min: 1,
  }),
  routeMaxLength: integer({
    env: 'VIGIL_ROUTE_MAX_LENGTH',
    description:
      'Longest route template kept, in characters; a longer one (paths are client-chosen, up to VIGIL_MAX_LINE_LENGTH) folds into /{other}, so the routes kept under VIGIL_ROUTE_MAX_PER_SERVICE stay small.',
    example: '1024',
    default: 512,
    min: 16,
  }),
  clientIdHeader: optional(
    string({
      env: 'VIGIL_CLIENT_ID_HEADER',
      description: 'Request header identifying the client when the gateway logs headers (Kong, Caddy, Traefik JSON, nginx $http_*). Never authorization or cookie.',
      example: 'x-consumer-id',
      pattern: /^[A-Za-z0-9-]+$/,
      patternProblem: 'must be a header name (letters, digits, "-")',
    }),
  ),
  clientIdField: optional(
    string({
      env: 'VIGIL_CLIENT_ID_FIELD',
      description: 'Dotted path of a JSON log field identifying the client. Never a field named authorization or cookie.',
      example: 'consumer.username',
    }),
  ),
  hashClientIdHeader: boolean({
    env: 'VIGIL_CLIENT_ID_HASH',
    description: 'Replace client ids read from VIGIL_CLIENT_ID_HEADER by hdr-<hash>, since such headers often carry the API key itself.',
    example: 'off',
    default: true,
  }),
  trustedProxies: list({
    env: 'VIGIL_TRUSTED_PROXIES',
    description: 'CIDRs of proxies in front of the gateway; X-Forwarded-For is believed only from these.',
    example: '10.0.0.0/8,fd00::/8',
    default: [],
    allowEmpty: true,
    item: (item: string) => networkProblem(item, 'optional'),
  }),
  redactQueryParams: list({
    env: 'VIGIL_REDACT_QUERY_PARAMS',
    description:
      'Query parameters whose values become REDACTED before events and rejected-input samples leave the collector. Names match case-insensitively, percent-decoded, without a trailing [] and with - and _ alike (api_key also covers api-key and API-KEY[]).',
    example: 'token,api_key,apikey,access_token,password,secret,signature,sig,key,auth,session',
    default: [
      'token', 'api_key', 'apikey', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'password', 'passwd',
      'pwd', 'secret', 'signature', 'sig', 'key', 'auth', 'x-amz-signature', 'x-amz-credential', 'x-amz-security-token',
      'x-api-key', 'auth_token', 'authorization', 'jwt', 'private_token', 'access_key', 'secret_key', 'session_token',
      'session_id', 'sessionid', 'jsessionid', 'phpsessid', 'awsaccesskeyid', 'x-goog-signature', 'x-goog-credential',
    ],
    allowEmpty: true,
  }),
  ipPseudonymizeKey: optional(
    string({
      env: 'VIGIL_IP_PSEUDONYMIZE_KEY',
      description: 'When set, client IPs become ip-<16 hex of HMAC-SHA256(key, ip)>: stable per client, not reversible without the key.',
      example: 'a-long-random-string',
      secret: true,
    }),
  ),
};
