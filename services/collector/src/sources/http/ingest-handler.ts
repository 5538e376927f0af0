// POST /v1/logs: authenticate (bearer or Firehose access key; repeated failures from one address
// get 429), rate-limit per token, read the body
// under limits, decode its shape, parse, and answer only once Kafka acknowledged the events.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { VigilError } from '@vigil/contract';
import { bearerToken, closingUnlessRead, errorResponse, readBody, sendJson, tokenMatches, type AuthFailureLimit, type Handler, type TokenBucketLimiter } from '@vigil/http';
import { extractTraceContext, type Logger, type TraceContext } from '@vigil/telemetry';
import type { IngestPipeline } from '../../ingest-pipeline';
import { DecompressionBudget, isGzip } from '../../transforms/envelopes';
import type { IngestItem } from '../../transforms/ingest-item';
import { FIREHOSE_ACCESS_KEY_HEADER, FIREHOSE_REQUEST_ID_HEADER, decodeFirehoseBody, firehoseResponse, isFirehoseRequest } from './firehose';
import { tokenFingerprint, type IngestAudit } from './ingest-audit';
import { decodeLogBody } from './log-body';

export const INGEST_PATH = '/v1/logs';
const FORMAT_HEADER = 'x-vigil-format';

export interface IngestHandlerOptions {
  tokens: readonly string[];
  limiter: TokenBucketLimiter;
  /** The HTTP server's per-address count of failed authentications. */
  authFailures: Pick<AuthFailureLimit, 'refuse'>;
  pipeline: IngestPipeline;
  audit: IngestAudit;
  logger: Logger;
  limits: { maxBodyBytes: number; maxDecompressedBytes: number; maxLineBytes: number; maxLines: number; messageKeys: readonly string[] };
  ackTimeoutMs: number;
  now(): number;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function authenticate(req: IncomingMessage, options: IngestHandlerOptions): string {
  const token = bearerToken(req) ?? header(req, FIREHOSE_ACCESS_KEY_HEADER);
  if (!tokenMatches(token, options.tokens)) {
    options.audit.refused('http', { remote: req.socket.remoteAddress ?? '-', reason: token === undefined ? 'no token' : 'wrong token' });
    const hint = options.tokens.length === 0 ? 'HTTP ingest has no tokens configured (set VIGIL_INGEST_TOKENS)' : 'a valid ingest token is required';
    options.authFailures.refuse(req, new VigilError('VIGIL_UNAUTHORIZED', `${hint}: send "Authorization: Bearer <token>"`));
  }
  return token as string;
}

function rateLimit(fingerprint: string, options: IngestHandlerOptions): void {
  const taken = options.limiter.take(fingerprint, options.now());
  if (!taken.ok) {
    throw new VigilError('VIGIL_RATE_LIMITED', `too many requests for this ingest token; retry in ${taken.retryAfterSeconds} s`, {
      retryable: true,
      details: { retryAfterSeconds: taken.retryAfterSeconds },
    });
  }
}

async function decodeItems(req: IncomingMessage, firehose: boolean, options: IngestHandlerOptions): Promise<IngestItem[]> {
  const { limits } = options;
  const body = await readBody(req, {
    maxBytes: limits.maxBodyBytes,
    maxDecompressedBytes: limits.maxDecompressedBytes,
    variables: { maxBytes: 'VIGIL_INGEST_MAX_BODY_BYTES', maxDecompressedBytes: 'VIGIL_INGEST_MAX_DECOMPRESSED_BYTES' },
  });
  const bodyLimits = { maxLineBytes: limits.maxLineBytes, maxItems: limits.maxLines, messageKeys: limits.messageKeys };
  // What gzip'd envelope records may inflate to counts with the body's own inflation.
  const inflateBudget = limits.maxDecompressedBytes - body.length;
  if (!firehose) {
    const budget = new DecompressionBudget(inflateBudget, 'VIGIL_INGEST_MAX_DECOMPRESSED_BYTES');
    return decodeLogBody(isGzip(body) ? gunzippedFile(body, budget) : body, bodyLimits, budget);
  }
  const decoded = decodeFirehoseBody(body, { ...bodyLimits, maxDecompressedBytes: inflateBudget });
  if (!decoded.ok) throw new VigilError('VIGIL_CONTRACT_INVALID', decoded.errorMessage);
  return decoded.items;
}

/**
 * A body that is itself a gzip file, sent without Content-Encoding (`curl --data-binary
 * @access.log.1.gz`): inflated within the same limit, as vigil parse and replay read such a file.
 */
function gunzippedFile(body: Buffer, budget: DecompressionBudget): Buffer {
  try {
    return budget.gunzip(body);
  } catch (error) {
    if (error instanceof VigilError) throw error;
    throw new VigilError('VIGIL_CONTRACT_INVALID', `the body starts like a gzip file but does not inflate (${(error as Error).message})`, { cause: error });
  }
}

function reply(res: ServerResponse, firehoseRequestId: string | undefined, now: number, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (firehoseRequestId === undefined) return sendJson(res, status, body, headers);
  const message = typeof body.message === 'string' ? body.message : undefined;
  sendJson(res, status, firehoseResponse(firehoseRequestId, now, status === 200 ? undefined : message), headers);
}

export function createIngestHandler(options: IngestHandlerOptions): Handler {
  return async (req, res, url) => {
    const firehose = isFirehoseRequest(req.headers);
    const firehoseRequestId = firehose ? header(req, FIREHOSE_REQUEST_ID_HEADER) : undefined;
    try {
      const token = authenticate(req, options);
      const fingerprint = tokenFingerprint(token);
      rateLimit(fingerprint, options);
      const userAgent = header(req, 'user-agent');
      options.audit.accepted(firehose ? 'firehose' : 'http', {
        tokenFingerprint: fingerprint,
        remote: req.socket.remoteAddress ?? '-',
        ...(userAgent === undefined ? {} : { userAgent: userAgent.slice(0, 200) }),
      });
      const format = url.searchParams.get('format') ?? header(req, FORMAT_HEADER) ?? undefined;
      const items = await decodeItems(req, firehose, options);
      const source = { name: firehose ? 'firehose' : 'http', kind: 'http', trace: senderTrace(req) };
      const outcome = options.pipeline.ingest(items, source, format, options.ackTimeoutMs);
      await outcome.published;
      reply(res, firehoseRequestId, options.now(), 200, {
        accepted: outcome.accepted,
        rejected: outcome.rejected,
        rejectedByReason: outcome.rejectedByReason,
      });
    } catch (error) {
      const response = errorResponse(error);
      if (response.status === 500) options.logger.error({ err: error }, 'ingest request failed');
      reply(res, firehoseRequestId, options.now(), response.status, response.body, closingUnlessRead(req, response.headers));
    }
  };
}

/** A shipper that traces its requests (W3C traceparent) gets the ingest span in its own trace. */
function senderTrace(req: IncomingMessage): TraceContext | undefined {
  const traceparent = header(req, 'traceparent');
  if (traceparent === undefined) return undefined;
  const tracestate = header(req, 'tracestate');
  return extractTraceContext(tracestate === undefined ? { traceparent } : { traceparent, tracestate });
}
