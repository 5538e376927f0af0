// Any mix of octet-counted and newline-terminated messages, over the limit or not, cut into reads
// anywhere, frames back into exactly those messages: the per-message choice never loses step.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Frame } from './line-splitter';
import { SyslogStreamFramer } from './syslog-stream-framer';

const MAX_MESSAGE_BYTES = 200;
const OCTET_COUNT_HEADER = /^[1-9]\d{0,8} <\d{1,3}>/;

/** Printable text without a newline, possibly starting with digits (a raw access-log line). */
const body = fc.string({ maxLength: 300 }).map((s) => s.replace(/[\r\n]/g, ' '));
const message = fc.oneof(
  fc.record({ counted: fc.constant(true), text: fc.tuple(fc.integer({ min: 0, max: 191 }), body).map(([pri, rest]) => `<${pri}>${rest}`) }),
  fc.record({ counted: fc.constant(false), text: body.filter((text) => text.trim() !== '' && !OCTET_COUNT_HEADER.test(text)) }),
);

const framed = ({ counted, text }: { counted: boolean; text: string }) => (counted ? `${Buffer.byteLength(text)} ${text}` : `${text}\n`);
const expected = ({ text }: { text: string }) => (Buffer.byteLength(text) > MAX_MESSAGE_BYTES ? '<too_long>' : text);
const shown = (frame: Frame) => (frame.kind === 'line' ? frame.bytes.toString() : '<too_long>');

describe('SyslogStreamFramer on generated streams', () => {
  it('frames any mix of both framings, cut into reads anywhere, back into its messages', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (messages, cuts) => {
        const stream = Buffer.from(messages.map(framed).join(''));
        const at = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
        const framer = new SyslogStreamFramer(MAX_MESSAGE_BYTES);
        const frames: Frame[] = [];
        let from = 0;
        for (const to of [...at, stream.length]) {
          frames.push(...framer.push(stream.subarray(from, to)));
          from = to;
        }
        frames.push(...framer.end());
        expect(frames.map(shown)).toEqual(messages.map(expected));
      }),
      { numRuns: 500 },
    );
  });
});
