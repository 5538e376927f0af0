import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLog, type LogSink } from './log-reader';

/** The lines and records readLog gives for `bytes` arriving in chunks of `chunkSize`. */
async function read(bytes: Buffer, chunkSize: number): Promise<unknown[]> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  const out: unknown[] = [];
  const sink: LogSink = {
    line: (text) => out.push(text),
    record: (value) => out.push(value),
    tooLong: () => out.push('(too long)'),
    invalid: (reason) => out.push(`(invalid ${reason})`),
    warn: () => {},
    flush: async () => {},
  };
  await readLog(Readable.from(chunks), 64 * 1024, sink);
  return out;
}

const TEXT = '203.0.113.9 - - [10/Oct/2024:13:55:36 +0000] "GET /caf\u00e9/\u{1F600} HTTP/1.1" 200 5 "-" "curl"\r\nsecond line \u00fc\n';

describe('readLog', () => {
  it('reads UTF-16 input with a byte order mark, either byte order, in chunks of any size, as its UTF-8 text', async () => {
    const expected = await read(Buffer.from(TEXT, 'utf8'), 1 << 16);
    expect(expected).toEqual([TEXT.split('\n')[0], 'second line \u00fc']);
    const littleEndian = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]);
    const bigEndian = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(Buffer.from(TEXT, 'utf16le')).swap16()]);
    for (const chunkSize of [1, 3, 7, 1 << 16]) {
      expect(await read(littleEndian, chunkSize), `LE in ${chunkSize}-byte chunks`).toEqual(expected);
      expect(await read(bigEndian, chunkSize), `BE in ${chunkSize}-byte chunks`).toEqual(expected);
    }
  });

  it('reads a JSON document written as UTF-16 as its records', async () => {
    const document = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[{"a":1},\n{"b":"\u00e9"}]\n', 'utf16le')]);
    expect(await read(document, 5)).toEqual([{ a: 1 }, { b: '\u00e9' }]);
  });
});
