// Amazon Kinesis Data Firehose HTTP endpoint delivery: the request envelope
// {requestId, timestamp, records:[{data: base64}]}, records that may be gzip'd CloudWatch Logs
// subscription payloads (how API Gateway access logs travel), and the response envelope Firehose
// expects ({requestId, timestamp} on 200, plus errorMessage on failure).

import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { VigilError } from '@vigil/contract';
import type { IngestItem } from '../../transforms/ingest-item';
import { decodeLogBody, type LogBodyLimits } from './log-body';

export const FIREHOSE_REQUEST_ID_HEADER = 'x-amz-firehose-request-id';
export const FIREHOSE_ACCESS_KEY_HEADER = 'x-amz-firehose-access-key';

export interface FirehoseLimits extends LogBodyLimits {
  /** Budget for all gzip'd records of one request together. */
  maxDecompressedBytes: number;
}

export function isFirehoseRequest(headers: IncomingHttpHeaders): boolean {
  return typeof headers[FIREHOSE_REQUEST_ID_HEADER] === 'string';
}

export function firehoseResponse(requestId: string, nowMs: number, errorMessage?: string): Record<string, unknown> {
  return errorMessage === undefined ? { requestId, timestamp: nowMs } : { requestId, timestamp: nowMs, errorMessage };
}

function invalidRecord(index: number, detail: string, sample = ''): IngestItem {
  return { kind: 'invalid', reason: 'invalid_envelope', sample, detail: `Firehose record ${index}: ${detail}` };
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A CloudWatch Logs subscription payload → the messages of its log events (control messages: none). */
function cloudWatchMessages(payload: unknown): string[] | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { messageType, logEvents } = payload as { messageType?: unknown; logEvents?: unknown };
  if (messageType === 'CONTROL_MESSAGE') return [];
  if (messageType !== 'DATA_MESSAGE' || !Array.isArray(logEvents)) return undefined;
  return logEvents.flatMap((e: unknown) =>
    typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? [(e as { message: string }).message] : [],
  );
}

class DecompressionBudget {
  constructor(private remaining: number) {}
  gunzip(bytes: Buffer): Buffer {
    let out: Buffer;
    try {
      out = gunzipSync(bytes, { maxOutputLength: Math.max(1, this.remaining) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new VigilError('VIGIL_INPUT_TOO_LARGE', 'Firehose records inflate past VIGIL_INGEST_MAX_DECOMPRESSED_BYTES', { cause: error });
      }
      throw error;
    }
    this.remaining -= out.length;
    return out;
  }
}

function recordItems(data: unknown, index: number, limits: FirehoseLimits, budget: DecompressionBudget): IngestItem[] {
  if (typeof data !== 'string') return [invalidRecord(index, 'data must be a base64 string')];
  let bytes: Buffer = Buffer.from(data, 'base64');
  if (isGzip(bytes)) {
    try {
      bytes = budget.gunzip(bytes);
    } catch (error) {
      if (error instanceof VigilError) throw error;
      return [invalidRecord(index, 'data is not valid gzip', data.slice(0, 1024))];
    }
    const messages = cloudWatchMessages(safeJson(bytes));
    if (messages !== undefined) {
      return messages.flatMap((message) => decodeLogBody(Buffer.from(message, 'utf8'), limits));
    }
  }
  return decodeLogBody(bytes, limits);
}

function safeJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

export type FirehoseDecoding = { ok: true; requestId: string; items: IngestItem[] } | { ok: false; errorMessage: string };

/** Throws VIGIL_INPUT_TOO_LARGE past a limit; a bad envelope is an error value, a bad record an invalid item. */
export function decodeFirehoseBody(body: Buffer, limits: FirehoseLimits): FirehoseDecoding {
  const envelope = safeJson(body) as { requestId?: unknown; records?: unknown } | undefined;
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return { ok: false, errorMessage: 'body is not a Firehose JSON envelope' };
  }
  if (typeof envelope.requestId !== 'string' || !Array.isArray(envelope.records)) {
    return { ok: false, errorMessage: 'Firehose envelope needs a string requestId and a records array' };
  }
  const budget = new DecompressionBudget(limits.maxDecompressedBytes);
  const items: IngestItem[] = [];
  envelope.records.forEach((record: unknown, index: number) => {
    const data = typeof record === 'object' && record !== null ? (record as { data?: unknown }).data : undefined;
    for (const item of recordItems(data, index, limits, budget)) {
      if (items.length >= limits.maxItems) {
        throw new VigilError('VIGIL_INPUT_TOO_LARGE', `Firehose request carries more than ${limits.maxItems} lines (VIGIL_INGEST_MAX_LINES)`);
      }
      items.push(item);
    }
  });
  return { ok: true, requestId: envelope.requestId, items };
}
