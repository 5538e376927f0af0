// `vigil parse <file|-> [--format F]`: streams a log through the same parser and normalizer the
// collector uses. One ApiAccessEvent JSON per parsed line on stdout; on stderr the first rejected
// lines and the first of each reason (number, reason, truncated and redacted sample), so a log in
// the wrong format does not flood the terminal, and a closing summary with the count of each
// reason. Exit 0 whenever it ran.

import { once } from 'node:events';
import type { RejectionReason } from '@vigil/contract';
import { createEventParser, type EventParser, type ParseResult } from '@vigil/formats';
import { EXIT_USAGE, type CommandIo } from '../io';
import { terminalSafeJson } from '../terminal-safe-json';
import { FORMAT_OPTION_HELP, logCommandUsage, logParserOptions, logSource, openLog, parseLogArguments } from './log-arguments';
import { readLog, type LogSink } from './log-reader';

const SAMPLE_MAX = 200;
/** Rejections shown one by one; after these, only the first of each further reason. */
const REJECTIONS_SHOWN = 10;
const OUTPUT_FLUSH_BYTES = 64 * 1024;
const USAGE = logCommandUsage('parse');

export const HELP = `${USAGE}
Parses a log (or stdin, -) with the collector's parser and normalizer, without Kafka or detection.
Writes one ApiAccessEvent JSON line per parsed line to stdout. To stderr: the first ${REJECTIONS_SHOWN} rejected
lines and the first of each other reason (number, reason, sample), then a summary of formats and
of rejections, counted by reason. Exit 0 when it ran, whatever it rejected.
Lines may be text or JSON objects (NDJSON). Input that is one JSON document instead (a pretty-printed
object such as a saved Kong http-log payload, or an array of records) is read as the collector reads
such a request body: each record of the array, or the object, is one record. A CloudWatch Logs
subscription payload ({"awslogs":...} or a DATA_MESSAGE) or a Firehose records envelope, as the
document, a record of it or an NDJSON line, is read as the log lines it carries (base64 and gzip
undone), as the collector reads them. Gzip'd input (a rotated access.log.2.gz) is inflated first,
and UTF-16 with a byte order mark (PowerShell's > or Out-File) is read as its text; JSON objects
written one after another without newlines (Firehose's S3 objects) are records too.
${FORMAT_OPTION_HELP}
Normalization follows the collector's VIGIL_* variables (route caps, redaction, client id, pseudonyms).
`;

class ParseRun implements LogSink {
  /** Lines, or the records of a JSON document. */
  lines = 0;
  unit: 'line' | 'record' = 'line';
  parsed = 0;
  readonly rejected = new Map<string, number>();
  /** Rejections written to stderr; the rest are only counted. */
  private shown = 0;
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
    this.unit = 'record';
    this.lines++;
    this.count(this.parser.parseObject(value, this.ctx), () => JSON.stringify(value) ?? String(value));
  }

  /** A part of the input refused before parsing (a broken envelope record). */
  invalid(reason: RejectionReason, detail: string, sample: string): void {
    this.lines++;
    this.count({ ok: false, reason, detail }, sample);
  }

  private count(result: ParseResult, text: string | (() => string)): void {
    if (result.ok) {
      this.parsed++;
      const format = this.parser.lastDetected() ?? this.parser.format;
      this.detected.set(format, (this.detected.get(format) ?? 0) + 1);
      this.output += `${terminalSafeJson(result.event)}\n`;
      return;
    }
    if (!this.reject(result.reason)) return;
    const full = typeof text === 'string' ? text : text();
    const sample = this.parser.redactSample(full, SAMPLE_MAX);
    // The detail may quote the line: redacted and escaped like the sample, without the quotes around it.
    const detail = result.detail === undefined ? '' : ` (${terminalSafeJson(this.parser.redactSample(result.detail, SAMPLE_MAX)).slice(1, -1)})`;
    this.io.stderr.write(`${this.unit} ${this.lines}: ${result.reason}${detail}: ${terminalSafeJson(sample)}\n`);
  }

  /** Counts a rejection; true when it is to be shown (one of the first, or the first of its reason). */
  private reject(reason: string): boolean {
    const before = this.rejected.get(reason) ?? 0;
    this.rejected.set(reason, before + 1);
    if (this.shown >= REJECTIONS_SHOWN && before > 0) return false;
    this.shown++;
    return true;
  }

  warn(message: string): void {
    this.io.stderr.write(`vigil parse: ${message}\n`);
  }

  tooLong(length: number): void {
    this.lines++;
    if (!this.reject('line_too_long')) return;
    // Framing cuts at 4 bytes a character (the most UTF-8 takes); the limit users set is in characters.
    this.io.stderr.write(`line ${this.lines}: line_too_long (more than ${length} bytes; the limit is ${length / 4} characters, VIGIL_MAX_LINE_LENGTH)\n`);
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
    const hidden = rejectedTotal - this.shown;
    return [
      `vigil parse: ${this.lines} ${this.unit}${this.lines === 1 ? '' : 's'}${this.unit === 'record' ? ' of one JSON document' : ''}, ${this.parsed} parsed, ${rejectedTotal} rejected${reasons ? ` (${reasons})` : ''}`,
      ...(hidden > 0 ? [`  ${hidden} rejected ${this.unit}${hidden === 1 ? '' : 's'} not shown: above are the first ${REJECTIONS_SHOWN} and the first of each reason`] : []),
      `  formats: ${formats || 'none detected'}`,
      `  ${seconds.toFixed(3)} s, ${rate} ${this.unit}s/s`,
    ].join('\n');
  }
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsedArgs = parseLogArguments(args);
  if (typeof parsedArgs === 'string') {
    io.stderr.write(`vigil parse: ${parsedArgs}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const options = logParserOptions(parsedArgs, io, 'parse');
  const input = openLog(parsedArgs);
  const runState = new ParseRun(createEventParser(options), io, logSource(parsedArgs));
  const started = process.hrtime.bigint();
  try {
    // Bytes, not characters: a line of multi-byte text may hold up to 4 bytes per character.
    await readLog(input, (options.maxLineLength ?? 65_536) * 4, runState);
  } catch (error) {
    // The reader went away (`vigil parse big.log | head`): stop quietly, as Unix tools do.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    // What was parsed before the failure (a gzip'd log cut off midway) still goes out.
    await runState.flush(true);
    io.stderr.write(`vigil parse: cannot read ${parsedArgs.file}: ${(error as Error).message}\n`);
    return 1;
  }
  await runState.flush(true);
  io.stderr.write(`${runState.summary(Number(process.hrtime.bigint() - started) / 1e9)}\n`);
  return 0;
}
