// What a source hands to parsing: a text line, an already-decoded JSON record, or input that was
// refused before parsing (too long, a broken envelope record). Every source produces
// these, so every input rejects the same things the same way.

import { isUtf8 } from 'node:buffer';
import { jsonSample, type RejectionReason } from '@vigil/contract';
import { forEachLineInBlocks } from '@vigil/formats';
import { splitLines, TOO_LONG_SAMPLE_BYTES, type Frame } from '../framing/line-splitter';

export type IngestItem =
  | { kind: 'line'; text: string }
  /** The line text[start, end) of a block of lines decoded at once; parsed in place. */
  | { kind: 'span'; text: string; start: number; end: number }
  | { kind: 'object'; value: unknown }
  | { kind: 'invalid'; reason: RejectionReason; sample: string; detail?: string };

/** A framed line as an item; blank lines are not input and give undefined. */
export function itemFromFrame(frame: Frame): IngestItem | undefined {
  if (frame.kind === 'too_long') {
    return { kind: 'invalid', reason: 'line_too_long', sample: frame.sample.toString('utf8'), detail: TOO_LONG_DETAIL };
  }
  // A line that is not UTF-8 is decoded with U+FFFD for what is not, and the parser decides: a
  // request whose path held raw bytes (old Apache logs them raw; worms send them) is still a
  // request, as `vigil parse` reads it; a line that does not parse is rejected as invalid_utf8.
  const text = frame.bytes.toString('utf8');
  return text.trim() === '' ? undefined : { kind: 'line', text };
}

const TOO_LONG_DETAIL = 'line exceeds VIGIL_MAX_LINE_LENGTH';
/** UTF-8 takes at most 3 bytes per UTF-16 code unit: a line of fewer units than a third of the cap fits. */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/**
 * Items from bytes of whole lines (a request body, a read of a file), handed to `add` in order.
 * Valid UTF-8, nearly all input, is decoded a block of lines at a time and each line becomes a
 * span of its block, which the parser reads in place: far cheaper than a string per line. Other
 * input is framed line by line, each line decoded with U+FFFD for what is not UTF-8. Blank
 * lines are not input; over-long ones become line_too_long. With `messageKeys`, lines that are JSON
 * objects are decoded (NDJSON) and shipper wrappers unwrapped, as itemFromJson does.
 */
export function itemsFromLines(bytes: Buffer, maxLineBytes: number, add: (item: IngestItem) => void, messageKeys?: readonly string[]): void {
  if (!isUtf8(bytes)) {
    for (const frame of splitLines(bytes, maxLineBytes)) {
      const json = messageKeys !== undefined && frame.kind === 'line' && frame.bytes[0] === 0x7b ? tryParseJson(frame.bytes.toString('utf8')) : undefined;
      const item = json === undefined ? itemFromFrame(frame) : itemFromJson(json.value, messageKeys ?? []);
      if (item !== undefined) add(item);
    }
    return;
  }
  forEachLineInBlocks(bytes, (text, start, end) => {
    const first = text.charCodeAt(start);
    // A printable ASCII first character: not blank, without the cost of a trim.
    if (!(first > 32 && first < 127) && text.slice(start, end).trim() === '') return;
    if ((end - start) * MAX_UTF8_BYTES_PER_UNIT > maxLineBytes) {
      const line = Buffer.from(text.slice(start, end), 'utf8');
      if (line.length > maxLineBytes) {
        add({ kind: 'invalid', reason: 'line_too_long', sample: line.subarray(0, TOO_LONG_SAMPLE_BYTES).toString('utf8'), detail: TOO_LONG_DETAIL });
        return;
      }
    }
    if (messageKeys !== undefined && first === 0x7b) {
      const json = tryParseJson(text.slice(start, end));
      if (json !== undefined) {
        const item = itemFromJson(json.value, messageKeys);
        if (item !== undefined) add(item);
        return;
      }
    }
    add({ kind: 'span', text, start, end });
  });
}

/** The JSON value of text, or undefined when it is not JSON. */
export function tryParseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/**
 * A decoded JSON value as an item. Shippers that wrap raw lines in objects (Fluent Bit's "log",
 * Vector's "message") are unwrapped through `messageKeys`; any other object is an access-log record.
 */
export function itemFromJson(value: unknown, messageKeys: readonly string[]): IngestItem | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : { kind: 'line', text: value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', reason: 'invalid_json', sample: jsonSample(value), detail: 'expected a JSON object or string' };
  }
  for (const key of messageKeys) {
    const wrapped = (value as Record<string, unknown>)[key];
    if (typeof wrapped === 'string') return wrapped.trim() === '' ? undefined : { kind: 'line', text: wrapped };
  }
  return { kind: 'object', value };
}

/** Raw text of an item, for the rejected record's sample. */
export function itemSample(item: IngestItem): string {
  switch (item.kind) {
    case 'line':
      return item.text;
    case 'span':
      return item.text.slice(item.start, item.end);
    case 'object':
      return jsonSample(item.value);
    case 'invalid':
      return item.sample;
  }
}
