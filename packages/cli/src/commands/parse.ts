// `vigil parse <file|-> [--format F]`: streams a log through the same parser and normalizer the
// collector uses. One ApiAccessEvent JSON per parsed line on stdout; each rejected line (number,
// reason, truncated sample) and a closing summary on stderr. Exit 0 whenever it ran.

import { once } from 'node:events';
import { createEventParser, type EventParser, type ParseResult } from '@vigil/formats';
import { EXIT_USAGE, type CommandIo } from '../io';
import { FORMAT_OPTION_HELP, logCommandUsage, logParserOptions, logSource, openLog, parseLogArguments } from './log-arguments';

const SAMPLE_MAX = 200;
const OUTPUT_FLUSH_BYTES = 64 * 1024;
/** A JSON document (a saved Kong http-log payload, a JSON array export) is read whole up to this size. */
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
const USAGE = logCommandUsage('parse');

export const HELP = `${USAGE}
Parses a log (or stdin, -) with the collector's parser and normalizer, without Kafka or detection.
Writes one ApiAccessEvent JSON line per parsed line to stdout; each rejected line (number, reason,
sample) and a summary of formats and rejections to stderr. Exit 0 when it ran, whatever it rejected.
Lines may be text or JSON objects (NDJSON). Input that is one JSON document instead (a pretty-printed
object such as a saved Kong http-log payload, or an array of records) is read as the collector reads
such a request body: each record of the array, or the object, is one record.
${FORMAT_OPTION_HELP}
Normalization follows the collector's VIGIL_* variables (route caps, redaction, client id, pseudonyms).
`;

class ParseRun {
  /** Lines, or the records of a JSON document. */
  lines = 0;
  unit: 'line' | 'record' = 'line';
  parsed = 0;
  readonly rejected = new Map<string, number>();
  readonly detected = new Map<string, number>();
  private output = '';
  private readonly ctx: { source: string; receivedAt: number };

  constructor(
    private readonly parser: EventParser,
    private readonly io: CommandIo,
    source: string,
  ) {
    this.ctx = { source, receivedAt: Date.now() };
  }

  line(text: string): void {
    this.lines++;
    this.count(this.parser.parseLine(text, this.ctx), text);
  }

  /** One record of a JSON document. */
  record(value: unknown): void {
    this.lines++;
    this.count(this.parser.parseObject(value, this.ctx), () => JSON.stringify(value) ?? String(value));
  }

  private count(result: ParseResult, text: string | (() => string)): void {
    if (result.ok) {
      this.parsed++;
      const format = this.parser.lastDetected() ?? this.parser.format;
      this.detected.set(format, (this.detected.get(format) ?? 0) + 1);
      this.output += `${JSON.stringify(result.event)}\n`;
      return;
    }
    this.rejected.set(result.reason, (this.rejected.get(result.reason) ?? 0) + 1);
    const full = typeof text === 'string' ? text : text();
    const sample = full.length > SAMPLE_MAX ? `${full.slice(0, SAMPLE_MAX)}…` : full;
    const detail = result.detail === undefined ? '' : ` (${result.detail})`;
    this.io.stderr.write(`${this.unit} ${this.lines}: ${result.reason}${detail}: ${JSON.stringify(sample)}\n`);
  }

  warn(message: string): void {
    this.io.stderr.write(`vigil parse: ${message}\n`);
  }

  tooLong(length: number): void {
    this.lines++;
    this.rejected.set('line_too_long', (this.rejected.get('line_too_long') ?? 0) + 1);
    this.io.stderr.write(`line ${this.lines}: line_too_long (more than ${length} bytes)\n`);
  }

  /** Writes buffered events; waits when stdout asks for it so a large file is not held in memory. */
  async flush(force: boolean): Promise<void> {
    if (this.output.length === 0 || (!force && this.output.length < OUTPUT_FLUSH_BYTES)) return;
    const ready = this.io.stdout.write(this.output);
    this.output = '';
    if (!ready) await once(this.io.stdout, 'drain');
  }

  summary(seconds: number): string {
    const rejectedTotal = this.lines - this.parsed;
    const reasons = [...this.rejected].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r}=${n}`).join(', ');
    const formats = [...this.detected].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f}=${n}`).join(', ');
    const rate = seconds > 0 ? Math.round(this.lines / seconds) : this.lines;
    return [
      `vigil parse: ${this.lines} ${this.unit}${this.lines === 1 ? '' : 's'}${this.unit === 'record' ? ' of one JSON document' : ''}, ${this.parsed} parsed, ${rejectedTotal} rejected${reasons ? ` (${reasons})` : ''}`,
      `  formats: ${formats || 'none detected'}`,
      `  ${seconds.toFixed(3)} s, ${rate} ${this.unit}s/s`,
    ].join('\n');
  }
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
async function readInput(input: NodeJS.ReadableStream, maxLineBytes: number, run: ParseRun): Promise<void> {
  const chunks = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
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
  const head = Buffer.concat(read);
  if (!startsJsonDocument(head.toString('utf8', 0, firstNewline === -1 ? Math.min(head.length, maxLineBytes) : firstNewline))) {
    return readLines(prepend([head], chunks), maxLineBytes, run);
  }
  let size = head.length;
  const whole: Buffer[] = [head];
  for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
    whole.push(next.value);
    size += next.value.length;
    if (size > MAX_DOCUMENT_BYTES) {
      run.warn(`input starts like a JSON document but is over ${MAX_DOCUMENT_BYTES} bytes: read as lines`);
      return readLines(prepend(whole, chunks), maxLineBytes, run);
    }
  }
  let document: unknown;
  try {
    document = JSON.parse(Buffer.concat(whole).toString('utf8'));
  } catch {
    return readLines(prepend(whole, chunks), maxLineBytes, run);
  }
  run.unit = 'record';
  for (const value of Array.isArray(document) ? document : [document]) {
    run.record(value);
    await run.flush(false);
  }
}

/** Splits a byte stream into lines (LF, with CR stripped by the parser), capping line length. */
async function readLines(input: AsyncIterable<Buffer>, maxBytes: number, run: ParseRun): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflowing = false;
  for await (const chunk of input) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      if (overflowing) {
        run.tooLong(maxBytes);
      } else if (pendingBytes + (nl - start) > maxBytes) {
        run.tooLong(maxBytes);
      } else {
        const piece = chunk.subarray(start, nl);
        run.line((pendingBytes === 0 ? piece : Buffer.concat([...pending, piece])).toString('utf8'));
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
    await run.flush(false);
  }
  if (overflowing) run.tooLong(maxBytes);
  else if (pendingBytes > 0) run.line(Buffer.concat(pending).toString('utf8'));
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsedArgs = parseLogArguments(args);
  if (typeof parsedArgs === 'string') {
    io.stderr.write(`vigil parse: ${parsedArgs}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const options = logParserOptions(parsedArgs, io);
  const input = openLog(parsedArgs);
  const runState = new ParseRun(createEventParser(options), io, logSource(parsedArgs));
  const started = process.hrtime.bigint();
  try {
    // Bytes, not characters: a line of multi-byte text may hold up to 4 bytes per character.
    await readInput(input, (options.maxLineLength ?? 65_536) * 4, runState);
  } catch (error) {
    // The reader went away (`vigil parse big.log | head`): stop quietly, as Unix tools do.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    io.stderr.write(`vigil parse: cannot read ${parsedArgs.file}: ${(error as Error).message}\n`);
    return 1;
  }
  await runState.flush(true);
  io.stderr.write(`${runState.summary(Number(process.hrtime.bigint() - started) / 1e9)}\n`);
  return 0;
}
