// Parse + normalize throughput per format on one core, against the floor of the same bytes:
// splitting them into lines with a Buffer scan (indexOf 0x0a) and decoding each line to a string.
// The parse figures measure what the collector does with a request body or a read of a file: the
// bytes decoded a block of lines at a time (forEachLineInBlocks) and each line parsed in place
// (parseLineAt). So ratioToFloor is the cost of getting events out of the bytes, against the least
// any line-by-line reader pays. parse.nginxLineByLine is the older path, a string per line, for scale.
//
// nginx combined uses simulated traffic (bench/lib/nginx-traffic.ts); the other formats use the
// public real-log samples in ../shared/fixtures, each line sorted into the format `auto` detects,
// repeated to a few tens of thousands of lines.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encodeEventTable, type ApiAccessEvent } from '@vigil/contract';
import { createEventParser, forEachLineInBlocks, type EventParser, type FormatName } from '@vigil/formats';
import { measureRate, measureRates, type BenchContext, type BenchSuite } from '../../../bench/lib/harness';
import { sharedNginxTraffic } from '../../../bench/lib/nginx-traffic';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'real-logs');
const CTX = { source: 'bench', receivedAt: 0 };
/** Events per events.v1 record, the collector's default (VIGIL_EVENTS_PER_RECORD). */
const EVENTS_PER_RECORD = 200;

function forEachLine(bytes: Buffer, onLine: (line: string) => void): void {
  let start = 0;
  for (let newline = bytes.indexOf(0x0a, start); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
    onLine(bytes.toString('utf8', start, newline));
    start = newline + 1;
  }
}

interface ParseRun {
  linesPerSec: number;
  floorLinesPerSec: number;
  rejected: number;
}

/** Written by every measured loop so the optimizer cannot drop the work being timed. */
export let benchSink = 0;

function floorRound(bytes: Buffer): () => void {
  return () => forEachLine(bytes, (line) => (benchSink += line.length));
}

function measureFloor(bytes: Buffer, lineCount: number, minMs: number): number {
  return measureRate(lineCount, minMs, floorRound(bytes)).perSecond;
}

function countRejected(parser: EventParser, bytes: Buffer): number {
  let rejected = 0;
  forEachLineInBlocks(bytes, (text, start, end) => {
    if (!parser.parseLineAt(text, start, end, CTX).ok) rejected++;
  });
  return rejected;
}

function parseRound(parser: EventParser, bytes: Buffer): () => void {
  return () => forEachLineInBlocks(bytes, (text, start, end) => void parser.parseLineAt(text, start, end, CTX));
}

function measureParse(parser: EventParser, bytes: Buffer, lineCount: number, minMs: number): { linesPerSec: number; rejected: number } {
  const rejected = countRejected(parser, bytes);
  return { linesPerSec: measureRate(lineCount, minMs, parseRound(parser, bytes)).perSecond, rejected };
}

/** nginx parsing and its floor in alternating rounds: the ratio the target is set on. */
function measureParseAndFloor(parser: EventParser, bytes: Buffer, lineCount: number, minMs: number): ParseRun {
  const rejected = countRejected(parser, bytes);
  const rates = measureRates(lineCount, minMs, { floor: floorRound(bytes), parse: parseRound(parser, bytes) });
  return { linesPerSec: rates.parse.perSecond, floorLinesPerSec: rates.floor.perSecond, rejected };
}

/** The line-by-line path: a string decoded per line, then parseLine. */
function measureParseLineByLine(parser: EventParser, bytes: Buffer, lineCount: number, minMs: number): number {
  return measureRate(lineCount, minMs, () => forEachLine(bytes, (line) => void parser.parseLine(line, CTX))).perSecond;
}

/** Parse, then encode into the published form: the collector's default json-table-v1 record values of 200 events, as bytes. */
function measureParseAndSerialize(parser: EventParser, bytes: Buffer, lineCount: number, minMs: number): number {
  let batch: ApiAccessEvent[] = [];
  const flush = () => {
    benchSink += Buffer.from(encodeEventTable(batch)).length;
    batch = [];
  };
  return measureRate(lineCount, minMs, () => {
    forEachLineInBlocks(bytes, (text, start, end) => {
      const result = parser.parseLineAt(text, start, end, CTX);
      if (result.ok && batch.push(result.event) === EVENTS_PER_RECORD) flush();
    });
    if (batch.length > 0) flush();
  }).perSecond;
}

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? fixtureFiles(path) : /\.(log|json|\d+)$/.test(name) ? [path] : [];
  });
}

/** Fixture lines that parse, grouped by the format `auto` recognises them as. */
function fixtureLinesByFormat(): Map<FormatName, string[]> {
  const auto = createEventParser({ format: 'auto' });
  const byFormat = new Map<FormatName, string[]>();
  for (const file of fixtureFiles(FIXTURES)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!auto.parseLine(line, CTX).ok) continue;
      const format = auto.lastDetected() as FormatName;
      const lines = byFormat.get(format) ?? [];
      lines.push(line);
      byFormat.set(format, lines);
    }
  }
  return byFormat;
}

function repeatToBuffer(lines: readonly string[], count: number): Buffer {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) out.push(lines[i % lines.length] as string);
  return Buffer.from(`${out.join('\n')}\n`);
}

function recordParse(ctx: BenchContext, name: string, run: ParseRun, targets: boolean): void {
  const sharesFloor = name.startsWith('nginx');
  const floorKey = sharesFloor ? 'parse.floor.linesPerSec' : `parse.${name}.floorLinesPerSec`;
  if (!sharesFloor) ctx.record({ key: floorKey, value: run.floorLinesPerSec, unit: 'lines/s' });
  const ratio = run.linesPerSec / run.floorLinesPerSec;
  ctx.record({
    key: `parse.${name}.linesPerSec`,
    value: run.linesPerSec,
    unit: 'lines/s',
    baseline: { key: floorKey, ratioKey: `parse.${name}.ratioToFloor` },
    ...(targets ? { target: { text: '>= 600k/s and >= 0.3 of floor', met: run.linesPerSec >= 600_000 && ratio >= 0.3 } } : {}),
    ...(run.rejected > 0 ? { note: `${run.rejected} lines of the input were rejected` } : {}),
  });
}

const suite: BenchSuite = {
  name: 'parse',
  order: 10,
  async run(ctx) {
    const minMs = ctx.quick ? 600 : 3000;
    const lineCount = ctx.quick ? 100_000 : 300_000;
    ctx.log(`generating ${lineCount} simulated nginx lines`);
    const { buffer } = sharedNginxTraffic(lineCount);

    const nginx = createEventParser({ format: 'nginx' });
    const nginxRun = measureParseAndFloor(nginx, buffer, lineCount, minMs);
    const floor = nginxRun.floorLinesPerSec;
    ctx.record({
      key: 'parse.floor.linesPerSec',
      value: floor,
      unit: 'lines/s',
      note: 'Buffer indexOf(0x0a) scan + toString per line, same bytes as parse.nginx, in rounds alternating with it',
    });
    recordParse(ctx, 'nginx', nginxRun, true);
    ctx.record({
      key: 'parse.nginxLineByLine.linesPerSec',
      value: measureParseLineByLine(createEventParser({ format: 'nginx' }), buffer, lineCount, minMs),
      unit: 'lines/s',
      baseline: { key: 'parse.floor.linesPerSec', ratioKey: 'parse.nginxLineByLine.ratioToFloor' },
      note: 'a string decoded per line, then parseLine: the path before block decoding',
    });
    recordParse(ctx, 'nginxAuto', { ...measureParse(createEventParser({ format: 'auto' }), buffer, lineCount, minMs), floorLinesPerSec: floor }, false);

    const serialized = measureParseAndSerialize(nginx, buffer, lineCount, minMs);
    ctx.record({
      key: 'parse.nginxSerialize.linesPerSec',
      value: serialized,
      unit: 'lines/s',
      baseline: { key: 'parse.floor.linesPerSec', ratioKey: 'parse.nginxSerialize.ratioToFloor' },
      target: { text: '>= 300k/s', met: serialized >= 300_000 },
      note: `parse + encode into ${EVENTS_PER_RECORD}-event json-table-v1 record values (the collector's default)`,
    });

    const perFormatLines = ctx.quick ? 20_000 : 60_000;
    for (const [format, lines] of [...fixtureLinesByFormat()].sort(([a], [b]) => a.localeCompare(b))) {
      const parser = createEventParser({ format });
      // Only lines the named parser takes: some `auto` accepts through a wrapper or a sibling syntax.
      const accepted = lines.filter((line) => parser.parseLine(line, CTX).ok);
      if (accepted.length === 0) continue;
      const bytes = repeatToBuffer(accepted, perFormatLines);
      const floorLinesPerSec = measureFloor(bytes, perFormatLines, minMs / 2);
      const key = `fixtures-${format}`;
      recordParse(ctx, key, { ...measureParse(parser, bytes, perFormatLines, minMs / 2), floorLinesPerSec }, false);
      ctx.log(`parsed ${format}: ${accepted.length} distinct fixture lines`);
    }
  },
};

export default suite;
