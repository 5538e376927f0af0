// Reads a log for the commands that take one (vigil parse, vigil replay): lines, split from the
// bytes with their length capped, or, when the input is one JSON document instead (a saved Kong
// http-log payload, an array export), its records, as the collector reads such a request body.
// An envelope (a CloudWatch Logs subscription payload, a Firehose records envelope), as a document,
// a record of one or an NDJSON line, stands for the lines it carries, as at the collector. Gzip'd
// input (a log logrotate compressed, access.log.2.gz) is inflated first, UTF-16 with a byte order
// mark (Windows PowerShell's redirection) is read as its text, and JSON objects written one after
// another without newlines (Firehose's S3 objects) are read as a document's records.

import { Readable, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { RejectionReason } from '@vigil/contract';
import { DecompressionBudget, isGzip, unwrapEnvelope, utf16ByteOrder, withoutByteOrderMark, type EnvelopePiece } from '@vigil/collector';

/** A JSON document is read whole up to this size; a larger one is read as lines. */
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** What a command does with each piece of a log. */
export interface LogSink {
  /** One line, without its newline (a CR before it is the parser's to strip). */
  line(text: string): void;
  /** One record of a JSON document. */
  record(value: unknown): void;
  /** A line longer than maxBytes, skipped without being held. */
  tooLong(maxBytes: number): void;
  /** A part of the input refused before parsing (a broken envelope record), with why. */
  invalid(reason: RejectionReason, detail: string, sample: string): void;
  warn(message: string): void;
  /** Called between chunks: a sink that buffers output writes it here. */
  flush(force: boolean): Promise<void>;
}

/**
 * Whether input whose first line is `firstLine` is one JSON document rather than lines: an array
 * (`[` on one line or many), or an object that its first line does not complete (pretty-printed).
 * An object line that parses alone is NDJSON.
 */
function startsJsonDocument(firstLine: string): boolean {
  const trimmed = firstLine.trim();
  if (trimmed.startsWith('[')) return true;
  if (!trimmed.startsWith('{')) return false;
  try {
    JSON.parse(trimmed);
    return false;
  } catch {
    return true;
  }
}

/**
 * The input's bytes, inflated when they start with the gzip magic number (every member of a
 * multi-member file, as zcat reads it). A corrupt or cut-off gzip stream ends the read with an
 * error saying so, after the lines before the damage.
 */
async function* inflatedIfGzip(input: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  const chunks = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const start = await readAtLeast(chunks, 2);
  if (!isGzip(start)) {
    yield* prepend([start], chunks);
    return;
  }
  const gunzip = createGunzip();
  pipeline(Readable.from(prepend([start], chunks)), gunzip, () => {});
  try {
    yield* gunzip;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_') !== true) throw error;
    throw new Error(`the gzip'd input is corrupt or cut off (${(error as Error).message})`, { cause: error });
  }
}

/** The first chunks of `chunks`, together, until there are `bytes` of them or the input ends. */
async function readAtLeast(chunks: AsyncIterator<Buffer>, bytes: number): Promise<Buffer> {
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < bytes) {
    const next = await chunks.next();
    if (next.done === true) break;
    head.push(next.value);
    headBytes += next.value.length;
  }
  return Buffer.concat(head);
}

/**
 * The input as UTF-8 when it starts with a UTF-16 byte order mark (what Windows PowerShell 5 writes
 * with `>` or Out-File), else as it is. Read as UTF-8, such a file is a NUL between every character
 * and no line parses.
 */
async function* utf8IfUtf16(input: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  const start = await readAtLeast(input, 2);
  const byteOrder = utf16ByteOrder(start);
  if (byteOrder === undefined) {
    yield* prepend([start], input);
    return;
  }
  const decoder = new StringDecoder('utf16le');
  // A high surrogate at a chunk's end waits for its pair: encoded alone it would become U+FFFD.
  let high = '';
  const utf8 = (text: string): Buffer => {
    const whole = high + text;
    const last = whole.charCodeAt(whole.length - 1);
    high = last >= 0xd800 && last <= 0xdbff ? whole.slice(-1) : '';
    return Buffer.from(high === '' ? whole : whole.slice(0, -1), 'utf8');
  };
  let odd = Buffer.alloc(0);
  for await (const chunk of prepend([start.subarray(2)], input)) {
    if (byteOrder === 'little-endian') {
      yield utf8(decoder.write(chunk));
      continue;
    }
    // Big-endian: swap each pair of bytes, carrying an odd last byte to the next chunk.
    const data = odd.length === 0 ? chunk : Buffer.concat([odd, chunk]);
    const even = data.length - (data.length % 2);
    odd = Buffer.from(data.subarray(even));
    yield utf8(decoder.write(Buffer.from(data.subarray(0, even)).swap16()));
  }
  yield Buffer.from(high + decoder.end(odd), 'utf8');
}

/** The chunks already read, then the rest of the input. */
async function* prepend(read: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* read;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
}

/**
 * Reads input as lines, or as one JSON document when it starts like one and parses whole (up to
 * MAX_DOCUMENT_BYTES). Anything else, a document that does not parse included, is read as lines,
 * so every line still gets its own result and reason.
 */
export async function readLog(input: NodeJS.ReadableStream, maxLineBytes: number, logSink: LogSink): Promise<void> {
  const sink = unwrappingEnvelopes(logSink, new DecompressionBudget(MAX_DOCUMENT_BYTES, `${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB, the most one input may inflate to`));
  const chunks = utf8IfUtf16(inflatedIfGzip(input));
  const read: Buffer[] = [];
  let readBytes = 0;
  let firstNewline = -1;
  for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
    const newline = next.value.indexOf(10);
    if (newline !== -1) firstNewline = readBytes + newline;
    read.push(next.value);
    readBytes += next.value.length;
    if (firstNewline !== -1 || readBytes > maxLineBytes) break;
  }
  const sent = Buffer.concat(read);
  const head = withoutByteOrderMark(sent);
  const firstLineEnd = firstNewline === -1 ? Math.min(head.length, maxLineBytes) : firstNewline - (sent.length - head.length);
  if (!startsJsonDocument(head.toString('utf8', 0, firstLineEnd))) {
    return readLines(prepend([head], chunks), maxLineBytes, sink);
  }
  let size = head.length;
  const whole: Buffer[] = [head];
  for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
    whole.push(next.value);
    size += next.value.length;
    if (size > MAX_DOCUMENT_BYTES) {
      sink.warn(`input starts like a JSON document but is over ${MAX_DOCUMENT_BYTES} bytes: read as lines`);
      return readLines(prepend(whole, chunks), maxLineBytes, sink);
    }
  }
  const text = Buffer.concat(whole).toString('utf8');
  let documents: unknown[] | undefined;
  try {
    documents = [JSON.parse(text)];
  } catch {
    documents = concatenatedJson(text);
  }
  if (documents === undefined) return readLines(prepend(whole, chunks), maxLineBytes, sink);
  for (const document of documents) {
    for (const value of Array.isArray(document) ? document : [document]) {
      sink.record(value);
      await sink.flush(false);
    }
  }
}

/**
 * The values of text made of JSON objects or arrays written one after another, with nothing or
 * only whitespace between them: what Firehose leaves in S3 for a CloudWatch Logs subscription (one
 * gzip'd payload per record, no newline). Undefined when the text is anything else.
 */
function concatenatedJson(text: string): unknown[] | undefined {
  const values: unknown[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) {
      if (depth === 0) return undefined;
      inString = true;
    } else if (c === 123 || c === 91) {
      if (depth++ === 0) start = i;
    } else if (c === 125 || c === 93) {
      if (--depth < 0) return undefined;
      if (depth > 0) continue;
      try {
        values.push(JSON.parse(text.slice(start, i + 1)));
      } catch {
        return undefined;
      }
    } else if (depth === 0 && c !== 32 && c !== 9 && c !== 10 && c !== 13) {
      return undefined;
    }
  }
  return depth === 0 && values.length > 1 ? values : undefined;
}

/** Whether an NDJSON line may be an envelope: only those are decoded here, every other line is the parser's. */
function mayBeEnvelope(line: string): boolean {
  return line.charCodeAt(0) === 123 && (line.includes('"awslogs"') || line.includes('"logEvents"') || line.includes('"records"'));
}

/** Hands what an envelope carries to the sink: every line of every body, every broken part as invalid. */
function sendPieces(pieces: readonly EnvelopePiece[], sink: LogSink): void {
  for (const piece of pieces) {
    if (piece.kind === 'invalid') sink.invalid('invalid_envelope', piece.detail, piece.sample);
    else for (const line of piece.bytes.toString('utf8').split('\n')) if (line.trim() !== '') sink.line(line);
  }
}

/** The sink, with envelopes (records of a document, or NDJSON lines) replaced by what they carry. */
function unwrappingEnvelopes(sink: LogSink, budget: DecompressionBudget): LogSink {
  const unwrapped = (value: unknown): boolean => {
    const pieces = unwrapEnvelope(value, budget);
    if (pieces !== undefined) sendPieces(pieces, sink);
    return pieces !== undefined;
  };
  return {
    line(text) {
      if (!mayBeEnvelope(text)) return sink.line(text);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return sink.line(text);
      }
      if (!unwrapped(value)) sink.line(text);
    },
    record(value) {
      if (!unwrapped(value)) sink.record(value);
    },
    tooLong: (maxBytes) => sink.tooLong(maxBytes),
    invalid: (reason, detail, sample) => sink.invalid(reason, detail, sample),
    warn: (message) => sink.warn(message),
    flush: (force) => sink.flush(force),
  };
}

/** Splits a byte stream into lines (LF, with CR stripped by the parser), capping line length. */
async function readLines(input: AsyncIterable<Buffer>, maxBytes: number, sink: LogSink): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflowing = false;
  for await (const chunk of input) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      if (overflowing) {
        sink.tooLong(maxBytes);
      } else if (pendingBytes + (nl - start) > maxBytes) {
        sink.tooLong(maxBytes);
      } else {
        const piece = chunk.subarray(start, nl);
        sink.line((pendingBytes === 0 ? piece : Buffer.concat([...pending, piece])).toString('utf8'));
      }
      pending = [];
      pendingBytes = 0;
      overflowing = false;
      start = nl + 1;
    }
    if (start < chunk.length && !overflowing) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxBytes) {
        overflowing = true;
        pending = [];
      }
    }
    await sink.flush(false);
  }
  if (overflowing) sink.tooLong(maxBytes);
  else if (pendingBytes > 0) sink.line(Buffer.concat(pending).toString('utf8'));
}
