// Amazon Kinesis Data Firehose HTTP endpoint delivery: the request envelope
// {requestId, timestamp, records:[{data: base64}]}, records that may be gzip'd CloudWatch Logs
// subscription payloads (how API Gateway access logs travel), and the response envelope Firehose
// expects ({requestId, timestamp} on 200, plus errorMessage on failure).

import type { IncomingHttpHeaders } from 'node:http';
import { VigilError } from '@vigil/contract';
import { DecompressionBudget, recordDataPieces } from '../../transforms/envelopes';
import { tryParseJson, type IngestItem } from '../../transforms/ingest-item';
import { itemsFromPieces, type LogBodyLimits } from './log-body';

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

export type FirehoseDecoding = { ok: true; requestId: string; items: IngestItem[] } | { ok: false; errorMessage: string };

/** Throws VIGIL_INPUT_TOO_LARGE past a limit; a bad envelope is an error value, a bad record an invalid item. */
export function decodeFirehoseBody(body: Buffer, limits: FirehoseLimits): FirehoseDecoding {
  const envelope = tryParseJson(body.toString('utf8'))?.value as { requestId?: unknown; records?: unknown } | undefined;
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return { ok: false, errorMessage: 'body is not a Firehose JSON envelope' };
  }
  if (typeof envelope.requestId !== 'string' || !Array.isArray(envelope.records)) {
    return { ok: false, errorMessage: 'Firehose envelope needs a string requestId and a records array' };
  }
  const budget = new DecompressionBudget(limits.maxDecompressedBytes, 'VIGIL_INGEST_MAX_DECOMPRESSED_BYTES');
  const items: IngestItem[] = [];
  envelope.records.forEach((record: unknown, index: number) => {
    const data = typeof record === 'object' && record !== null ? (record as { data?: unknown }).data : undefined;
    for (const item of itemsFromPieces(recordDataPieces(data, `Firehose record ${index}`, budget), limits)) {
      if (items.length >= limits.maxItems) {
        throw new VigilError('VIGIL_INPUT_TOO_LARGE', `Firehose request carries more than ${limits.maxItems} lines (VIGIL_INGEST_MAX_LINES)`);
      }
      items.push(item);
    }
  });
  return { ok: true, requestId: envelope.requestId, items };
}
