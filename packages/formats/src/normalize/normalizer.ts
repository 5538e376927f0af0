// Turns a format's RawAccess into the ApiAccessEvent every stage consumes: validates what the log
// must carry, keeps the path of an absolute-form target (scheme, host and userinfo dropped), splits
// path and query, redacts credentials (in the query and in path parameters), templates the route,
// resolves the client (consumer id, configured header or field, else IP after trusted-proxy
// handling), pseudonymizes.

import { createHash } from 'node:crypto';
import type { ApiAccessEvent } from '@vigil/contract';
import { NO_RESPONSE_STATUS, UNNAMED_SERVICE, VigilError } from '@vigil/contract';
import { getPath, stringField } from '../internal/json-fields';
import { reject, type RawAccess } from '../internal/raw-access';
import type { NormalizeOptions, ParseResult } from '../types';
import { originFormOf } from './absolute-target';
import { CidrSet } from './cidr';
import { resolveClientIp } from './client-ip';
import { Pseudonymizer } from './pseudonymize';
import { DEFAULT_REDACT_QUERY_PARAMS, QueryRedactor } from './redact-query';
import { SampleRedactor } from './redact-sample';
import { RouteTemplater } from './route-templater';

export const DEFAULT_NORMALIZE_OPTIONS: NormalizeOptions = {
  defaultService: UNNAMED_SERVICE,
  routeMaxPerService: 500,
  routeMaxServices: 1000,
  routeMaxLength: 512,
  hashClientIdHeader: true,
  trustedProxies: [],
  redactQueryParams: DEFAULT_REDACT_QUERY_PARAMS,
};

/** Headers that carry credentials: never a source of anything that leaves the collector. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/**
 * Statuses saying the path is no route of the service (mostly scanners' guesses), and "no response",
 * where nothing says it is one: neither admits a new route once a service's routes fill half the cap.
 */
const NO_SUCH_ROUTE = new Set([400, 404, 405, 414, NO_RESPONSE_STATUS]);

/**
 * Longest client address or id kept as logged. No address comes near it, but an id from a gateway
 * field, or an X-Forwarded-For hop a misconfigured proxy passes on, may be as long as the line,
 * and every client key is held by the detector as an entity (VIGIL_MAX_ENTITIES of them).
 */
const MAX_CLIENT_KEY_LENGTH = 256;

/** A longer address or id as `long-<16 hex>`: bounded, and distinct values stay distinct. */
function boundedClientKey(value: string): string {
  return value.length <= MAX_CLIENT_KEY_LENGTH ? value : `long-${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

export class Normalizer {
  private readonly options: NormalizeOptions;
  private readonly templater: RouteTemplater;
  private readonly trusted: CidrSet;
  private readonly redactor: QueryRedactor;
  /** Redacts rejected inputs' samples with the same names as queries. */
  readonly samples: SampleRedactor;
  private readonly ipPseudonyms: Pseudonymizer | undefined;
  private readonly headerIds: Pseudonymizer | undefined;
  private readonly clientIdHeader: string | undefined;

  constructor(partial: Partial<NormalizeOptions> = {}) {
    const options = { ...DEFAULT_NORMALIZE_OPTIONS, ...stripUndefined(partial) };
    this.options = options;
    this.clientIdHeader = options.clientIdHeader?.toLowerCase();
    if (this.clientIdHeader !== undefined && CREDENTIAL_HEADERS.has(this.clientIdHeader)) {
      throw new VigilError(
        'VIGIL_CONFIG_INVALID',
        `VIGIL_CLIENT_ID_HEADER may not be ${this.clientIdHeader}: credentials never leave the collector; name a header such as x-consumer-id`,
      );
    }
    const fieldName = options.clientIdField?.split('.').pop()?.toLowerCase();
    if (fieldName !== undefined && CREDENTIAL_HEADERS.has(fieldName)) {
      throw new VigilError(
        'VIGIL_CONFIG_INVALID',
        `VIGIL_CLIENT_ID_FIELD may not be ${options.clientIdField}: it holds credentials, which never leave the collector; name a field such as consumer.username`,
      );
    }
    this.templater = new RouteTemplater(options.routeMaxPerService, options.routeMaxServices, options.routeMaxLength);
    this.trusted = new CidrSet(options.trustedProxies);
    this.redactor = new QueryRedactor(options.redactQueryParams);
    this.samples = new SampleRedactor(this.redactor);
    this.ipPseudonyms = options.ipPseudonymizeKey ? new Pseudonymizer('ip-', options.ipPseudonymizeKey) : undefined;
    this.headerIds = options.hashClientIdHeader ? new Pseudonymizer('hdr-', options.ipPseudonymizeKey) : undefined;
  }

  toEvent(raw: RawAccess): ParseResult {
    if (Number.isNaN(raw.time)) return reject('invalid_timestamp', 'no usable time');
    // -1 is HAProxy's "no response" when it reaches us as a number (a JSON log-format).
    const status = raw.status === -1 ? NO_RESPONSE_STATUS : raw.status;
    if (!(status >= 100 && status <= 999) && status !== NO_RESPONSE_STATUS) {
      const what = Number.isNaN(status) ? 'missing or not a number' : String(status);
      return reject('invalid_status', `${what}: an HTTP status is 100-999, or 0, -1 or - where the gateway sent no response`);
    }
    if (raw.method === undefined) return reject('missing_field', 'method');
    if (raw.target === undefined) return reject('missing_field', 'path');
    const target = originFormOf(raw.target);
    const queryAt = target.indexOf('?');
    const path = this.redactor.redactPath(queryAt === -1 ? target : target.slice(0, queryAt));
    const rawQuery = queryAt === -1 ? raw.query : target.slice(queryAt + 1);
    const query = rawQuery === undefined || rawQuery === '' ? undefined : this.redactor.redact(rawQuery);
    // A log that writes `-` for the host names no service either.
    const named = raw.service;
    const service = this.templater.service(named === undefined || named === UNNAMED_SERVICE || named === '' ? this.options.defaultService : named);
    const route = raw.route ?? this.templater.template(service, path, !NO_SUCH_ROUTE.has(status));
    const objectId = raw.route === undefined ? this.templater.lastObjectId : undefined;
    const resolvedIp = resolveClientIp(raw.peerIp, raw.forwardedFor, this.trusted);
    const ip = this.ipPseudonyms && resolvedIp !== '-' ? this.ipPseudonyms.apply(resolvedIp) : boundedClientKey(resolvedIp);
    const id = this.clientId(raw);
    const clientId = id === undefined ? undefined : boundedClientKey(id);
    const event: ApiAccessEvent = {
      v: 1,
      time: raw.time,
      gateway: raw.gateway,
      service,
      client: { ip, id: clientId, key: clientId ?? ip, userAgent: raw.userAgent },
      request: {
        method: raw.method,
        path,
        route,
        query,
        objectId,
        id: raw.requestId,
        protocol: raw.protocol,
      },
      response: {
        status,
        bytes: raw.bytes,
        latencyMs: raw.latencyMs,
        upstreamLatencyMs: raw.upstreamLatencyMs,
      },
    };
    return { ok: true, event };
  }

  private clientId(raw: RawAccess): string | undefined {
    if (raw.clientId !== undefined) return raw.clientId;
    if (this.options.clientIdField !== undefined && raw.record !== undefined) {
      const value = stringField(getPath(raw.record, this.options.clientIdField));
      if (value !== undefined) return value;
    }
    if (this.clientIdHeader !== undefined && raw.header !== undefined) {
      const value = raw.header(this.clientIdHeader);
      if (value !== undefined) return this.headerIds ? this.headerIds.apply(value) : value;
    }
    return undefined;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
