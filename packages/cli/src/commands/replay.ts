// `vigil replay <file|-> [--format F] [--json]`: backtests the detectors over a historical log.
// Lines go through the collector's parser and normalizer into a DetectionEngine configured from
// the same VIGIL_* variables as the detector; the watermark follows the newest event time less
// the allowed lateness. Anomalies go to stdout as a table, or as Anomaly JSON lines with --json;
// progress and a summary go to stderr.

import type { Anomaly } from '@vigil/contract';
import { DetectionEngine, detectionConfigFromEnv } from '@vigil/detection';
import { createEventParser, type ParseResult } from '@vigil/formats';
import { EXIT_USAGE, type CommandIo } from '../io';
import { TERMINAL_UNSAFE, terminalSafeJson } from '../terminal-safe-json';
import { FORMAT_OPTION_HELP, logCommandUsage, logParserOptions, logSource, openLog, parseLogArguments } from './log-arguments';
import { readLog, type LogSink } from './log-reader';

const PROGRESS_EVERY_LINES = 250_000;
const USAGE = logCommandUsage('replay', ' [--json]');

export const HELP = `${USAGE}
Backtests the detectors over a historical log (or stdin, -): what Vigil would have alerted on, with
the detector's VIGIL_* settings, using the log's own timestamps. No Kafka, nothing is sent. Reads
lines, or the records of a file that is one JSON document, gzip'd or not, as vigil parse does.
${FORMAT_OPTION_HELP}
  --json               one Anomaly JSON line per anomaly instead of a table
Progress and a summary go to stderr.
`;

/** Log content is attacker-controlled: never let it put control sequences on a terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f]/g, '?').replace(TERMINAL_UNSAFE, '?');
}

const TABLE_HEADER = `${'window (UTC)'.padEnd(20)} ${'state'.padEnd(8)} ${'severity'.padEnd(8)} ${'score'.padEnd(5)} ${'detector'.padEnd(18)} summary`;

function tableRow(a: Anomaly): string {
  const time = new Date(a.window.start).toISOString().slice(0, 19).replace('T', ' ');
  return `${time.padEnd(20)} ${a.state.padEnd(8)} ${a.severity.padEnd(8)} ${a.score.toFixed(2).padEnd(5)} ${a.detector.padEnd(18)} ${printable(a.summary)}`;
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsedArgs = parseLogArguments(args, ['--json']);
  if (typeof parsedArgs === 'string') {
    io.stderr.write(`vigil replay: ${parsedArgs}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const json = parsedArgs.switches.has('--json');
  const options = logParserOptions(parsedArgs, io, 'replay');
  const parser = createEventParser(options);
  const config = detectionConfigFromEnv(io.env);
  const engine = new DetectionEngine(config);
  const bucketMs = config.bucketSeconds * 1000;
  const ctx = { source: logSource(parsedArgs), receivedAt: Date.now() };
  const byDetector = new Map<string, number>();
  const rejected = new Map<string, number>();
  let lines = 0;
  let events = 0;
  let newest = -Infinity;
  let lastBucket = -Infinity;

  // The table's header comes with its first row: a file that cannot be read gets only the error.
  let headerWritten = json;
  const publish = (anomalies: Anomaly[]) => {
    for (const a of anomalies) {
      if (!headerWritten) io.stdout.write(`${TABLE_HEADER}\n`);
      headerWritten = true;
      if (a.state === 'firing') byDetector.set(a.detector, (byDetector.get(a.detector) ?? 0) + 1);
      io.stdout.write(json ? `${terminalSafeJson(a)}\n` : `${tableRow(a)}\n`);
    }
  };

  const count = (result: ParseResult): void => {
    if (!result.ok) {
      rejected.set(result.reason, (rejected.get(result.reason) ?? 0) + 1);
      return;
    }
    events++;
    engine.observe(result.event);
    if (result.event.time > newest) newest = result.event.time;
    const bucket = Math.floor(newest / bucketMs);
    if (bucket !== lastBucket) {
      lastBucket = bucket;
      publish(engine.advanceTo(newest - config.allowedLatenessSeconds * 1000));
    }
  };
  const sink: LogSink = {
    line(text) {
      lines++;
      if (lines % PROGRESS_EVERY_LINES === 0) {
        const at = Number.isFinite(newest) ? new Date(newest).toISOString() : '-';
        io.stderr.write(`vigil replay: ${lines} lines, ${events} events, event time ${at}\n`);
      }
      if (text !== '') count(parser.parseLine(text, ctx));
    },
    record(value) {
      lines++;
      count(parser.parseObject(value, ctx));
    },
    tooLong() {
      lines++;
      rejected.set('line_too_long', (rejected.get('line_too_long') ?? 0) + 1);
    },
    invalid(reason) {
      lines++;
      rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
    },
    warn: (message) => io.stderr.write(`vigil replay: ${message}\n`),
    flush: async () => {},
  };
  try {
    // Bytes, not characters: a line of multi-byte text may hold up to 4 bytes per character.
    await readLog(openLog(parsedArgs), (options.maxLineLength ?? 65_536) * 4, sink);
  } catch (error) {
    io.stderr.write(`vigil replay: cannot read ${parsedArgs.file}: ${(error as Error).message}\n`);
    return 1;
  }
  // End of input: score every complete bucket; the last, partial one would look like a drop.
  if (Number.isFinite(newest)) publish(engine.advanceTo(Math.floor(newest / bucketMs) * bucketMs));
  const stats = engine.stats();
  const firing = [...byDetector].sort((a, b) => b[1] - a[1]).map(([d, n]) => `${d}=${n}`).join(', ');
  const reasons = [...rejected].map(([r, n]) => `${r}=${n}`).join(', ');
  io.stderr.write(
    `vigil replay: ${lines} lines, ${events} events, ${lines - events} skipped${reasons ? ` (${reasons})` : ''}, ` +
      `${stats.lateEvents} too late; anomalies fired: ${firing || 'none'}; ${stats.entities} entities tracked\n`,
  );
  return 0;
}
