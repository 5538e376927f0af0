// Bytes of a syslog TCP stream → messages. RFC 6587 allows two framings, chosen per message by how
// it starts: octet counting ("123 <34>1 ...") only when a length (1 to 9 digits, no leading zero),
// a space and a PRI ("<" 1 to 3 digits ">") come first; anything else, a "<34>..." message or a
// raw access-log line such as "203.0.113.9 - - [...]", runs to the next newline. A message over the
// limit is a too_long frame either way, and the stream stays in step: an octet-counted one is
// skipped by its length.

import { VigilError } from '@vigil/contract';
import { LineSplitter, TOO_LONG_SAMPLE_BYTES, type Frame } from './line-splitter';

/** A length, a space and a PRI: the start of an octet-counted message. */
const OCTET_COUNT_HEADER = /^([1-9]\d{0,8}) <\d{1,3}>/;
/** What may still become OCTET_COUNT_HEADER once more bytes arrive. */
const OCTET_COUNT_HEADER_START = /^[1-9]\d{0,8}(?: (?:<\d{0,3})?)?$/;
/** Longest OCTET_COUNT_HEADER: 9 digits, " <", 3 digits, ">". */
const OCTET_COUNT_HEADER_MAX_BYTES = 15;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;

type Framing = { kind: 'counted'; start: number; length: number } | { kind: 'line' } | { kind: 'undecided' };

/** How the message at the start of `data` is framed; undecided while its first bytes could be either. */
function framingOf(data: Buffer): Framing {
  const first = data[0] as number;
  // Nearly every message starts with "<": decide without a string.
  if (first < DIGIT_1 || first > DIGIT_9) return { kind: 'line' };
  const head = data.toString('latin1', 0, OCTET_COUNT_HEADER_MAX_BYTES);
  const header = OCTET_COUNT_HEADER.exec(head);
  if (header !== null) {
    const digits = header[1] as string;
    return { kind: 'counted', start: digits.length + 1, length: Number(digits) };
  }
  return OCTET_COUNT_HEADER_START.test(head) ? { kind: 'undecided' } : { kind: 'line' };
}

export class SyslogStreamFramer {
  private readonly lines: LineSplitter;
  /** Bytes at the start of a message not yet framed: an undecided start or an unfinished octet-counted message. */
  private buffered: Buffer = Buffer.alloc(0);
  /** True while the current message is newline-terminated (the LineSplitter holds its bytes). */
  private inLine = false;
  /** Bytes still to skip of an over-long octet-counted message, already reported as too_long. */
  private skipping = 0;

  constructor(private readonly maxMessageBytes: number) {
    this.lines = new LineSplitter(maxMessageBytes);
  }

  /** Messages completed by this chunk. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let data = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.buffered = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.skipping > 0) {
        const skipped = Math.min(this.skipping, data.length);
        this.skipping -= skipped;
        data = data.subarray(skipped);
        continue;
      }
      const framing: Framing = this.inLine ? { kind: 'line' } : framingOf(data);
      if (framing.kind === 'line') {
        const newline = data.indexOf(0x0a);
        const piece = newline === -1 ? data : data.subarray(0, newline + 1);
        frames.push(...this.lines.push(piece));
        this.inLine = newline === -1;
        data = data.subarray(piece.length);
        continue;
      }
      const counted = framing.kind === 'counted' ? this.takeOctetCounted(data, framing) : undefined;
      if (counted === undefined) {
        // Undecided or incomplete: keep the bytes for the next chunk.
        this.buffered = Buffer.from(data);
        break;
      }
      frames.push(counted.frame);
      data = data.subarray(counted.consumed);
    }
    return frames;
  }

  /** A last newline-less message at the end of the stream; throws VIGIL_CONTRACT_INVALID inside an octet-counted one. */
  end(): Frame[] {
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    if (rest.length > 0) {
      if (framingOf(rest).kind === 'counted') throw brokenFrame('stream ended inside an octet-counted frame');
      // A few digits that never became an octet count: the last line.
      this.lines.push(rest);
    }
    return this.lines.end();
  }

  private takeOctetCounted(data: Buffer, { start, length }: { start: number; length: number }): { frame: Frame; consumed: number } | undefined {
    if (length > this.maxMessageBytes) {
      // Over the limit: report it once its sample is here, then skip exactly its bytes.
      const sampleEnd = start + Math.min(length, TOO_LONG_SAMPLE_BYTES);
      if (data.length < sampleEnd) return undefined;
      this.skipping = length - (sampleEnd - start);
      return { frame: { kind: 'too_long', sample: Buffer.from(data.subarray(start, sampleEnd)) }, consumed: sampleEnd };
    }
    if (data.length < start + length) return undefined;
    let message = data.subarray(start, start + length);
    // Some senders terminate octet-counted messages with a newline as well.
    if (message[message.length - 1] === 0x0a) message = message.subarray(0, message.length - 1);
    return { frame: { kind: 'line', bytes: Buffer.from(message) }, consumed: start + length };
  }
}

function brokenFrame(detail: string): VigilError {
  return new VigilError('VIGIL_CONTRACT_INVALID', `syslog TCP frame: ${detail}`, { details: { field: 'frame' } });
}
