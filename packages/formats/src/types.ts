// The public shapes of @vigil/formats: what a parser is given, what it returns, how it is configured.

import type { ApiAccessEvent, RejectionReason } from '@vigil/contract';

export const FORMAT_NAMES = [
  'nginx',
  'nginx-custom',
  'nginx-json',
  'apache',
  'envoy',
  'envoy-json',
  'kong',
  'aws-apigateway',
  'aws-alb',
  'aws-cloudfront',
  'traefik',
  'traefik-json',
  'haproxy',
  'caddy',
  'json',
] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export type Rejection = { ok: false; reason: RejectionReason; detail?: string };
export type ParseResult = { ok: true; event: ApiAccessEvent } | Rejection;

export interface ParseContext {
  /** Where the input came from (http, syslog-udp, file:<path>, stdin); for the caller's bookkeeping. */
  source: string;
  /** Wall-clock arrival time; never used as the event time, which always comes from the log. */
  receivedAt: number;
}

export interface EventParser {
  readonly format: string;
  parseLine(line: string, ctx: ParseContext): ParseResult;
  /**
   * The line text[start, end) of a larger text (a block of lines decoded at once): the same result
   * as parseLine(text.slice(start, end), ctx), read in place where the format allows.
   */
  parseLineAt(text: string, start: number, end: number, ctx: ParseContext): ParseResult;
  parseObject(record: unknown, ctx: ParseContext): ParseResult;
  lastDetected(): string | undefined;
  /**
   * A rejected input's text (a line, a record's JSON) as a sample: its first `maxChars` characters
   * (then "…"), with credentials replaced by REDACTED: configured query parameters, `Bearer`/`Basic`
   * credentials, JSON credential fields, also where the cut falls inside one. REDACTED may make it
   * longer than `maxChars`. Input that is not an event never went through query redaction: its
   * sample must go through this.
   */
  redactSample(text: string, maxChars: number): string;
}

export interface NormalizeOptions {
  /** Service of lines whose log names none (nginx combined has no Host); `-` by default. */
  defaultService: string;
  /** Distinct route templates kept per service; later ones fold into `/{other}`. */
  routeMaxPerService: number;
  /** Services whose routes are tracked; routes of services beyond it fold into `/{other}`. */
  routeMaxServices: number;
  /** Longest route template kept; a longer one folds into `/{other}`. */
  routeMaxLength: number;
  /** Request header whose value identifies the client (e.g. x-api-key); hashed unless hashClientIdHeader is false. */
  clientIdHeader?: string;
  /** Dotted path of a JSON record field holding the client id (e.g. consumer.username). */
  clientIdField?: string;
  /** Header-derived ids are often credentials themselves, so they are hashed by default. */
  hashClientIdHeader: boolean;
  /** CIDRs of proxies whose X-Forwarded-For is believed. */
  trustedProxies: readonly string[];
  /** Query parameter names (case-insensitive) whose values become REDACTED. */
  redactQueryParams: readonly string[];
  /** When set, client IPs become `ip-` + 16 hex chars of HMAC-SHA256(key, ip). */
  ipPseudonymizeKey?: string;
}

export interface EventParserOptions {
  format: FormatName | 'auto';
  /** nginx log_format template, as written in nginx.conf. */
  nginxLogFormat?: string;
  /** Generic JSON: event field path (e.g. `client.ip`) -> source field path (e.g. `remote.addr`). */
  jsonFieldMap?: Record<string, string>;
  normalize?: Partial<NormalizeOptions>;
  /** Lines longer than this many characters are rejected as line_too_long. */
  maxLineLength?: number;
  /**
   * Events timed more than this many ms after the context's receivedAt are rejected as
   * invalid_timestamp: a gateway with a wrong clock would otherwise move event time ahead and make
   * every later event late. Unset: no limit.
   */
  maxFutureMs?: number;
}
