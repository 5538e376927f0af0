// What a source hands to parsing: a text line, an already-decoded JSON record, or input that was
// refused before parsing (too long, invalid UTF-8, a broken envelope record). Every source produces
// these, so every input rejects the same things the same way.

import { isUtf8 } from 'node:buffer';
import type { RejectionReason } from '@vigil/contract';
import type { Frame } from '../framing/line-splitter';

export type IngestItem =
  | { kind: 'line'; text: string }
  | { kind: 'object'; value: unknown }
  | { kind: 'invalid'; reason: RejectionReason; sample: string; detail?: string };

/** A framed line as an item; blank lines are not input and give undefined. */
export function itemFromFrame(frame: Frame): IngestItem | undefined {
  if (frame.kind === 'too_long') {
    return { kind: 'invalid', reason: 'line_too_long', sample: frame.sample.toString('utf8'), detail: 'line exceeds VIGIL_MAX_LINE_LENGTH' };
  }
  if (!isUtf8(frame.bytes)) {
    return { kind: 'invalid', reason: 'invalid_utf8', sample: frame.bytes.toString('utf8'), detail: 'line is not valid UTF-8' };
  }
  const text = frame.bytes.toString('utf8');
  return text.trim() === '' ? undefined : { kind: 'line', text };
}

/**
 * A decoded JSON value as an item. Shippers that wrap raw lines in objects (Fluent Bit's "log",
 * Vector's "message") are unwrapped through `messageKeys`; any other object is an access-log record.
 */
export function itemFromJson(value: unknown, messageKeys: readonly string[]): IngestItem | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : { kind: 'line', text: value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', reason: 'invalid_json', sample: JSON.stringify(value) ?? String(value), detail: 'expected a JSON object or string' };
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
    case 'object':
      return JSON.stringify(item.value) ?? '';
    case 'invalid':
      return item.sample;
  }
}
