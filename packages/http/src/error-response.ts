// What the client is told when a handler throws: a status and headers from the VigilError code,
// a JSON body with the code and our own message, and nothing at all about unexpected errors.
import type { IncomingMessage } from 'node:http';
import { isVigilError } from '@vigil/contract';
import type { VigilErrorCode } from '@vigil/contract';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: string; message: string };
}

const STATUS_BY_CODE: Partial<Record<VigilErrorCode, number>> = {
  VIGIL_CONTRACT_INVALID: 400,
  VIGIL_UNAUTHORIZED: 401,
  VIGIL_INPUT_TOO_LARGE: 413,
  VIGIL_RATE_LIMITED: 429,
  VIGIL_BACKPRESSURE: 503,
  VIGIL_SHUTDOWN: 503,
  // Kafka down or refusing: a shipper should retry later, as with backpressure.
  VIGIL_KAFKA_UNAVAILABLE: 503,
};

/** Codes whose own message may name internal hosts: the client gets this text instead. */
const PUBLIC_MESSAGE: Partial<Record<VigilErrorCode, string>> = {
  VIGIL_KAFKA_UNAVAILABLE: 'the event store is unavailable; retry later',
};

const INTERNAL_ERROR: ErrorResponse = {
  status: 500,
  headers: {},
  body: { error: 'VIGIL_INTERNAL', message: 'internal error; the server log has the details' },
};

export function errorResponse(error: unknown): ErrorResponse {
  if (!isVigilError(error)) return INTERNAL_ERROR;
  const status = error.details?.unsupportedEncoding === true ? 415 : STATUS_BY_CODE[error.code];
  if (status === undefined) return INTERNAL_ERROR;
  return { status, headers: headersFor(status, error.details), body: { error: error.code, message: PUBLIC_MESSAGE[error.code] ?? error.message } };
}

/**
 * The response headers, with `connection: close` when the request's body was not read to its end
 * (refused before reading: 401, 413, 429): the server then closes the connection after the answer
 * instead of keeping it open for a body nobody reads, which a client could use to hold
 * connections for the whole request timeout.
 */
export function closingUnlessRead(req: IncomingMessage, headers: Record<string, string>): Record<string, string> {
  return req.complete ? headers : { ...headers, connection: 'close' };
}

function headersFor(status: number, details: Record<string, unknown> | undefined): Record<string, string> {
  if (status === 401) return { 'www-authenticate': 'Bearer' };
  if (status === 429 || status === 503) {
    const seconds = Number(details?.retryAfterSeconds);
    return { 'retry-after': String(Number.isFinite(seconds) && seconds >= 1 ? Math.ceil(seconds) : 1) };
  }
  return {};
}
