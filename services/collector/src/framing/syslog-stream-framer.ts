// Bytes of a syslog TCP stream → messages. RFC 6587 allows two framings, chosen per message by its
// first byte: octet counting ("123 <34>1 ...", a digit first) and newline-terminated ("<34>...").
// A frame that cannot be decoded is an error: the caller closes that connection only.

import { VigilError } from '@vigil/contract';
import { LineSplitter, type Frame } from './line-splitter';

const SPACE = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= DIGIT_0 && byte <= DIGIT_9;
}

export class SyslogStreamFramer {
  private readonly lines: LineSplitter;
  private buffered: Buffer = Buffer.alloc(0);
  /** True while the current message is newline-terminated (the LineSplitter holds its bytes). */
  private inLine = false;

  /** More length digits than the cap itself has can only be garbage. */
  private readonly maxLengthDigits: number;

  constructor(private readonly maxMessageBytes: number) {
    this.lines = new LineSplitter(maxMessageBytes);
    this.maxLengthDigits = String(maxMessageBytes).length;
  }

  /** Messages completed by this chunk; throws VIGIL_CONTRACT_INVALID on a broken frame. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let data = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.buffered = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.inLine || !isDigit(data[0])) {
        const newline = data.indexOf(0x0a);
        const piece = newline === -1 ? data : data.subarray(0, newline + 1);
        frames.push(...this.lines.push(piece));
        this.inLine = newline === -1;
        data = data.subarray(piece.length);
        continue;
      }
      const counted = this.takeOctetCounted(data);
      if (counted === undefined) {
        // Incomplete: keep the bytes for the next chunk.
        this.buffered = Buffer.from(data);
        break;
      }
      frames.push(counted.frame);
      data = data.subarray(counted.consumed);
    }
    return frames;
  }

  /** A last newline-less message at the end of the stream. */
  end(): Frame[] {
    if (this.buffered.length > 0) throw brokenFrame('stream ended inside an octet-counted frame');
    return this.lines.end();
  }

  private takeOctetCounted(data: Buffer): { frame: Frame; consumed: number } | undefined {
    let digits = 0;
    while (digits < data.length && isDigit(data[digits])) digits++;
    if (digits > this.maxLengthDigits) throw brokenFrame('octet-count length prefix is too long');
    if (digits === data.length) return undefined;
    if (data[digits] !== SPACE) throw brokenFrame('octet-count length must be followed by a space');
    const length = Number(data.subarray(0, digits).toString('latin1'));
    if (length === 0) throw brokenFrame('octet-count length is zero');
    if (length > this.maxMessageBytes) throw brokenFrame(`octet-counted message of ${length} bytes exceeds the ${this.maxMessageBytes}-byte limit`);
    const start = digits + 1;
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
