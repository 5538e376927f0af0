// The silence HTTP API: POST /v1/silences, GET /v1/silences, DELETE /v1/silences/{id}. Admin
// bearer tokens only, rate limited per client address before the token is even checked, so the
// endpoint cannot be used to guess tokens quickly; a wrong token also counts against the HTTP
// server's per-address failure limit, shared with ingest and /metrics.

import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VigilError, parseJson } from '@vigil/contract';
import { bearerToken, readBody, sendJson, tokenMatches, type TokenBucketLimiter, type VigilHttpServer } from '@vigil/http';
import type { Logger } from '@vigil/telemetry';
import type { Clock } from '../clock';
import { silenceFromRequest, type Silence } from './silence';
import type { SilenceStore } from './silence-store';

const BODY_LIMITS = { maxBytes: 16 * 1024, maxDecompressedBytes: 64 * 1024 };
export const SILENCES_PATH = '/v1/silences';

export interface SilenceApiOptions {
  store: SilenceStore;
  /** Writes a new silence to silences.v1 and to the store. */
  save(silence: Silence): Promise<void>;
  /** Deletes a silence from silences.v1 (a tombstone) and from the store. */
  remove(id: string): Promise<void>;
  adminTokens: readonly string[];
  limiter: TokenBucketLimiter;
  clock: Clock;
  logger: Logger;
}

/** Who made a change, for the audit trail, without revealing the token. */
function tokenFingerprint(token: string): string {
  return `token:${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
}

function authorize(req: IncomingMessage, http: VigilHttpServer, options: SilenceApiOptions): string {
  const limit = options.limiter.take(req.socket.remoteAddress ?? 'unknown', options.clock());
  if (!limit.ok) {
    throw new VigilError('VIGIL_RATE_LIMITED', 'too many silence API requests; retry later', {
      details: { retryAfterSeconds: limit.retryAfterSeconds },
    });
  }
  const token = bearerToken(req);
  if (token === undefined || !tokenMatches(token, options.adminTokens)) {
    http.authFailures.refuse(req, new VigilError('VIGIL_UNAUTHORIZED', 'the silence API needs "Authorization: Bearer <admin token>" (VIGIL_ADMIN_TOKENS)'));
  }
  return token;
}

/** The id in DELETE /v1/silences/{id}; a malformed percent-escape is the client's error, not ours. */
function silenceIdOf(url: URL): string {
  const escaped = url.pathname.slice(SILENCES_PATH.length + 1);
  try {
    return decodeURIComponent(escaped);
  } catch {
    throw new VigilError('VIGIL_CONTRACT_INVALID', `the silence id "${escaped}" is not valid percent-encoding`);
  }
}

export function registerSilenceApi(http: VigilHttpServer, options: SilenceApiOptions): void {
  const { store, clock, logger } = options;

  http.route('POST', SILENCES_PATH, async (req: IncomingMessage, res: ServerResponse) => {
    const token = authorize(req, http, options);
    const body = parseJson('silence request', await readBody(req, BODY_LIMITS));
    const silence = silenceFromRequest(body, { id: randomUUID(), createdBy: tokenFingerprint(token) }, clock());
    await options.save(silence);
    logger.info({ audit: 'silence', action: 'create', silence }, 'silence created');
    sendJson(res, 201, { silence });
  });

  http.route('GET', SILENCES_PATH, (req: IncomingMessage, res: ServerResponse) => {
    authorize(req, http, options);
    sendJson(res, 200, { silences: store.active(clock()) });
  });

  http.route('DELETE', `${SILENCES_PATH}/*`, async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const token = authorize(req, http, options);
    const id = silenceIdOf(url);
    const existing = store.get(id);
    if (existing === undefined || existing.endsAt === null) {
      // Static silences (VIGIL_SILENCES) are removed by changing the environment, not the API.
      sendJson(res, 404, { error: 'not_found', message: `no silence with id "${id}" that the API can delete` });
      return;
    }
    await options.remove(id);
    const expired: Silence = { ...existing, endsAt: Math.min(existing.endsAt, clock()) };
    logger.info({ audit: 'silence', action: 'delete', id, by: tokenFingerprint(token) }, 'silence deleted');
    sendJson(res, 200, { silence: expired });
  });
}
