// Bytes → lines for every streaming input: splits on "\n" (dropping a trailing "\r"), carries a
// partial line across chunks, and caps line length so one endless line cannot exhaust memory.

/** A complete line, or the start of one that exceeded the cap (the rest is skipped). */
export type Frame = { kind: 'line'; bytes: Buffer } | { kind: 'too_long'; sample: Buffer };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** Bytes of an over-long line kept for the rejected record's sample. */
export const TOO_LONG_SAMPLE_BYTES = 1024;

function withoutCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, line.length - 1) : line;
}

export class LineSplitter {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** True while skipping the rest of a line that already exceeded the cap. */
  private skipping = false;

  constructor(private readonly maxLineBytes: number) {}

  /** Frames completed by this chunk, in order. Lines inside one chunk are views of it, not copies. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.carry(chunk.subarray(start), frames);
        break;
      }
      if (this.partialBytes === 0 && !this.skipping) {
        this.emit(withoutCarriageReturn(chunk.subarray(start, newline)), frames);
      } else {
        this.carry(chunk.subarray(start, newline), frames);
        if (!this.skipping) this.emit(withoutCarriageReturn(Buffer.concat(this.partial)), frames);
        this.reset();
      }
      start = newline + 1;
    }
    return frames;
  }

  /** The unterminated last line, if any (end of stream). */
  end(): Frame[] {
    const frames: Frame[] = [];
    if (this.partialBytes > 0 && !this.skipping) this.emit(withoutCarriageReturn(Buffer.concat(this.partial)), frames);
    this.reset();
    return frames;
  }

  /** Holds the start of an unfinished line, or turns it into a too_long frame once over the cap. */
  private carry(piece: Buffer, frames: Frame[]): void {
    if (this.skipping || piece.length === 0) return;
    // A line may end in "\r", which is not content: allow one extra byte before calling it too long.
    if (this.partialBytes + piece.length > this.maxLineBytes + 1) {
      const sample = Buffer.concat([...this.partial, piece.subarray(0, TOO_LONG_SAMPLE_BYTES)]);
      frames.push({ kind: 'too_long', sample: Buffer.from(sample.subarray(0, TOO_LONG_SAMPLE_BYTES)) });
      this.partial = [];
      this.partialBytes = 0;
      this.skipping = true;
      return;
    }
    // Copy: the caller may reuse its read buffer.
    this.partial.push(Buffer.from(piece));
    this.partialBytes += piece.length;
  }

  private emit(line: Buffer, frames: Frame[]): void {
    frames.push(line.length > this.maxLineBytes ? { kind: 'too_long', sample: line.subarray(0, TOO_LONG_SAMPLE_BYTES) } : { kind: 'line', bytes: line });
  }

  private reset(): void {
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
  }
}

/** Splits a complete buffer (an HTTP body, a datagram) into frames. */
export function splitLines(body: Buffer, maxLineBytes: number): Frame[] {
  const splitter = new LineSplitter(maxLineBytes);
  return [...splitter.push(body), ...splitter.end()];
}
