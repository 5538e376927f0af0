// Arbitrary bytes through every decoding step of the ingest path never throw (except the
// documented VIGIL_INPUT_TOO_LARGE / broken-frame errors) and every item ends as an event or a rejection.

import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/contract';
import { createEventParser } from '@vigil/formats';
import { splitLines } from '../../framing/line-splitter';
import { SyslogStreamFramer } from '../../framing/syslog-stream-framer';
import { DecompressionBudget } from '../../transforms/envelopes';
import { parseItems } from '../../transforms/parse-items';
import { syslogItem } from '../syslog/syslog-items';
import { decodeFirehoseBody } from './firehose';
import { decodeLogBody } from './log-body';

const limits = { maxLineBytes: 512, maxItems: 10_000, messageKeys: ['log', 'message'], maxDecompressedBytes: 1 << 20 };
const parser = createEventParser({ format: 'auto' });

/** Bytes biased towards the shapes shippers send, so the fuzzer reaches the JSON and line paths. */
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.string({ maxLength: 500 }).map((s) => new TextEncoder().encode(s)),
  fc.array(fc.jsonValue(), { maxLength: 5 }).map((values) => new TextEncoder().encode(values.map((v) => JSON.stringify(v)).join('\n'))),
  fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v))),
);

/** Envelopes as a subscription Lambda or Firehose sends them, around arbitrary content. */
const carried = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.array(fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue()), { maxLength: 4 }).map((messages) =>
    gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: messages.map((message) => ({ message })) })),
  ),
);
const envelopeBodies = fc
  .oneof(
    carried.map((data) => ({ awslogs: { data: data.toString('base64') } })),
    fc.array(fc.oneof(carried.map((data) => ({ data: data.toString('base64') })), fc.record({ data: fc.jsonValue() })), { minLength: 1, maxLength: 4 }).map((records) => ({ records })),
    fc.record({ messageType: fc.constantFrom('DATA_MESSAGE', 'CONTROL_MESSAGE'), logEvents: fc.jsonValue() }),
  )
  .map((envelope) => new TextEncoder().encode(JSON.stringify(envelope)));

function expectAllAccountedFor(body: Buffer, decode: (body: Buffer) => ReturnType<typeof decodeLogBody>): void {
  let items;
  try {
    items = decode(body);
  } catch (error) {
    expect(isVigilError(error, 'VIGIL_INPUT_TOO_LARGE')).toBe(true);
    return;
  }
  const { events, rejections } = parseItems(items, parser, 'http', 0);
  expect(events.length + rejections.length).toBe(items.length);
  for (const rejection of rejections) expect(rejection.sample.length).toBeLessThanOrEqual(1024);
}

describe('ingest decoding under arbitrary input', () => {
  it('turns any HTTP body into events and rejections without throwing', () => {
    const budget = () => new DecompressionBudget(limits.maxDecompressedBytes, 'VIGIL_INGEST_MAX_DECOMPRESSED_BYTES');
    fc.assert(fc.property(fc.oneof(bodies, envelopeBodies), (bytes) => expectAllAccountedFor(Buffer.from(bytes), (b) => decodeLogBody(b, limits, budget()))), { numRuns: 500 });
  });

  it('turns any Firehose body into events and rejections, or a clean envelope error', () => {
    const records = fc.array(fc.oneof(bodies.map((b) => ({ data: Buffer.from(b).toString('base64') })), fc.jsonValue()), { maxLength: 4 });
    const envelopes = fc.oneof(
      records.map((r) => Buffer.from(JSON.stringify({ requestId: 'r', timestamp: 1, records: r }))),
      bodies.map((b) => Buffer.from(b)),
    );
    fc.assert(
      fc.property(envelopes, (body) => {
        let decoded;
        try {
          decoded = decodeFirehoseBody(body, limits);
        } catch (error) {
          expect(isVigilError(error, 'VIGIL_INPUT_TOO_LARGE')).toBe(true);
          return;
        }
        if (decoded.ok) expectAllAccountedFor(body, () => decoded.items);
        else expect(decoded.errorMessage).toBeTypeOf('string');
      }),
      { numRuns: 300 },
    );
  });

  it('frames any syslog TCP stream into messages or a broken-frame error, split at any point', () => {
    fc.assert(
      fc.property(bodies, fc.nat(), (bytes, cutAt) => {
        const stream = Buffer.from(bytes);
        const cut = stream.length === 0 ? 0 : cutAt % stream.length;
        const framer = new SyslogStreamFramer(512);
        try {
          const frames = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut)), ...framer.end()];
          const items = frames.map(syslogItem).filter((i) => i !== undefined);
          const { events, rejections } = parseItems(items, parser, 'syslog-tcp', 0);
          expect(events.length + rejections.length).toBe(items.length);
        } catch (error) {
          expect(isVigilError(error, 'VIGIL_CONTRACT_INVALID')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('splits any bytes into lines no longer than the cap', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        for (const frame of splitLines(Buffer.from(bytes), 100)) {
          if (frame.kind === 'line') expect(frame.bytes.length).toBeLessThanOrEqual(100);
          else expect(frame.sample.length).toBeLessThanOrEqual(1024);
        }
      }),
    );
  });
});
