// Envelopes that carry access-log lines instead of being one: the CloudWatch Logs subscription
// payload (how API Gateway access logs leave CloudWatch: `{"awslogs":{"data":"<base64 gzip>"}}`
// as a Lambda receives it, or the `{"messageType":"DATA_MESSAGE","logEvents":[...]}` inside it)
// and a records envelope (`{"records":[{"data":"<base64>"}]}`, as Kinesis Data Firehose sends and
// saves them). Whoever reads input (the collector's HTTP endpoint, vigil parse and replay) turns
// an envelope into the log bodies it carries, each read as a request body of its own.

import { gunzipSync } from 'node:zlib';
import { jsonSample, VigilError } from '@vigil/contract';

/** A log body an envelope carried, or why one part of it could not be read. */
export type EnvelopePiece = { kind: 'body'; bytes: Buffer } | { kind: 'invalid'; detail: string; sample: string };

/** How many bytes the gzip'd parts of one input may inflate to, all together. */
export class DecompressionBudget {
  /** `limitName` names the setting in the error, e.g. VIGIL_INGEST_MAX_DECOMPRESSED_BYTES. */
  constructor(
    private remaining: number,
    private readonly limitName: string,
  ) {}

  gunzip(bytes: Buffer): Buffer {
    let out: Buffer;
    try {
      out = gunzipSync(bytes, { maxOutputLength: Math.max(1, this.remaining) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new VigilError('VIGIL_INPUT_TOO_LARGE', `gzip'd log data inflates past ${this.limitName}`, { cause: error });
      }
      throw error;
    }
    this.remaining -= out.length;
    return out;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether bytes start with gzip's magic number (what logrotate, Firehose and CloudWatch write). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function safeJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A decoded CloudWatch Logs subscription payload → the messages of its log events (a control message has none). */
function cloudWatchMessages(payload: unknown): string[] | undefined {
  if (!isObject(payload)) return undefined;
  const { messageType, logEvents } = payload;
  if (messageType === 'CONTROL_MESSAGE') return [];
  if (messageType !== 'DATA_MESSAGE' || !Array.isArray(logEvents)) return undefined;
  return logEvents.flatMap((e: unknown) => (isObject(e) && typeof e.message === 'string' ? [e.message] : []));
}

function messageBodies(messages: readonly string[]): EnvelopePiece[] {
  return messages.map((message) => ({ kind: 'body', bytes: Buffer.from(message, 'utf8') }));
}

/** base64 → bytes, inflated when gzip'd; an invalid piece when it is not a string or the gzip is broken. */
function decodeData(data: unknown, label: string, budget: DecompressionBudget): { bytes: Buffer; gzipped: boolean } | EnvelopePiece {
  if (typeof data !== 'string') return { kind: 'invalid', detail: `${label}: data must be a base64 string`, sample: '' };
  const bytes = Buffer.from(data, 'base64');
  if (!isGzip(bytes)) return { bytes, gzipped: false };
  try {
    return { bytes: budget.gunzip(bytes), gzipped: true };
  } catch (error) {
    if (error instanceof VigilError) throw error;
    return { kind: 'invalid', detail: `${label}: data is not valid gzip`, sample: data.slice(0, 1024) };
  }
}

/**
 * One record's `data` of a records envelope: base64 of a log body, or of a gzip'd CloudWatch Logs
 * payload (a subscription filter delivering through Firehose). `label` names the record in errors.
 */
export function recordDataPieces(data: unknown, label: string, budget: DecompressionBudget): EnvelopePiece[] {
  const decoded = decodeData(data, label, budget);
  if ('kind' in decoded) return [decoded];
  const messages = decoded.gzipped ? cloudWatchMessages(safeJson(decoded.bytes)) : undefined;
  return messages === undefined ? [{ kind: 'body', bytes: decoded.bytes }] : messageBodies(messages);
}

/** `awslogs.data`: always a gzip'd CloudWatch Logs payload; anything else is not one. */
function awslogsPieces(data: unknown, budget: DecompressionBudget): EnvelopePiece[] {
  const label = 'CloudWatch Logs awslogs';
  const decoded = decodeData(data, label, budget);
  if ('kind' in decoded) return [decoded];
  const messages = cloudWatchMessages(safeJson(decoded.bytes));
  return messages === undefined
    ? [{ kind: 'invalid', detail: `${label}: data is not a gzip'd DATA_MESSAGE or CONTROL_MESSAGE`, sample: decoded.bytes.toString('utf8', 0, 1024) }]
    : messageBodies(messages);
}

/** Whether a decoded JSON value is an envelope unwrapEnvelope reads (cheap: no decoding). */
function isEnvelope(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isObject(value.awslogs)) return true;
  if ((value.messageType === 'DATA_MESSAGE' || value.messageType === 'CONTROL_MESSAGE') && 'logEvents' in value) return true;
  return Array.isArray(value.records) && value.records.length > 0 && value.records.every((r) => isObject(r) && 'data' in r);
}

/**
 * The log bodies an envelope carries, in order; undefined when `value` is not an envelope. A part
 * that cannot be read is an invalid piece and the rest still count. Throws VIGIL_INPUT_TOO_LARGE
 * when gzip'd data inflates past the budget.
 */
export function unwrapEnvelope(value: unknown, budget: DecompressionBudget): EnvelopePiece[] | undefined {
  if (!isEnvelope(value)) return undefined;
  const envelope = value as Record<string, unknown>;
  if (isObject(envelope.awslogs)) return awslogsPieces(envelope.awslogs.data, budget);
  if (!Array.isArray(envelope.records)) {
    const messages = cloudWatchMessages(envelope);
    return messages === undefined
      ? [{ kind: 'invalid', detail: 'CloudWatch Logs DATA_MESSAGE: logEvents must be an array', sample: jsonSample(envelope).slice(0, 1024) }]
      : messageBodies(messages);
  }
  return envelope.records.flatMap((record: Record<string, unknown>, index) => recordDataPieces(record.data, `record ${index}`, budget));
}
