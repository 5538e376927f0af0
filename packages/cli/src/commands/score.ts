// `vigil score <csv|->`: reads timestamp,value rows (header optional; ISO or epoch s/ms
// timestamps) and writes timestamp,value,anomaly_score with the detector's baseline and score
// machinery applied to the single series (docs/detection.md). Bad rows are reported on stderr.

import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SeriesScorer, detectionConfigFromEnv } from '@vigil/detection';
import { EXIT_USAGE, type CommandIo } from '../io';

/** Epoch values below this are seconds, above it milliseconds (1e11 s is the year 5138). */
const EPOCH_SECONDS_LIMIT = 1e11;
const OUTPUT_FLUSH_CHARS = 64 * 1024;

/** Epoch ms of an ISO or epoch (s or ms) timestamp, or undefined. */
export function parseTimestamp(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return n < EPOCH_SECONDS_LIMIT ? n * 1000 : n;
  }
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

function splitRow(line: string): [string, string] | undefined {
  const comma = line.indexOf(',');
  if (comma === -1) return undefined;
  const second = line.indexOf(',', comma + 1);
  return [line.slice(0, comma).trim(), line.slice(comma + 1, second === -1 ? undefined : second).trim()];
}

const USAGE = 'usage: vigil score <csv|->\n';

export const HELP = `${USAGE}
Scores one series with the detector's baseline and spike-score machinery (docs/detection.md).
Reads timestamp,value rows (header optional; ISO 8601 or epoch seconds/milliseconds) from a file
or stdin (-) and writes timestamp,value,anomaly_score (0..1) to stdout; bad rows are named on stderr.
`;

export async function run(args: string[], io: CommandIo): Promise<number> {
  const [file, ...rest] = args;
  if (file === undefined || rest.length > 0 || (file.startsWith('-') && file !== '-')) {
    io.stderr.write(`vigil score: expected one CSV file (or - for stdin)\n${USAGE}`);
    return EXIT_USAGE;
  }
  const scorer = new SeriesScorer(detectionConfigFromEnv(io.env));
  const input = file === '-' ? process.stdin : createReadStream(file);
  let lineNumber = 0;
  let scored = 0;
  let bad = 0;
  let output = 'timestamp,value,anomaly_score\n';
  /** Writes buffered rows, waiting when stdout asks for it, so a large file is not held in memory. */
  const flush = async (force: boolean) => {
    if (output.length === 0 || (!force && output.length < OUTPUT_FLUSH_CHARS)) return;
    const ready = io.stdout.write(output);
    output = '';
    if (!ready) await once(io.stdout, 'drain');
  };
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNumber++;
      if (line.trim() === '') continue;
      const row = splitRow(line);
      const value = row === undefined || row[1] === '' ? NaN : Number(row[1]);
      const time = row === undefined ? undefined : parseTimestamp(row[0]);
      if (row === undefined || time === undefined || !Number.isFinite(value)) {
        // A first line that does not parse is the header.
        if (lineNumber > 1 || scored > 0) {
          bad++;
          io.stderr.write(`vigil score: line ${lineNumber} skipped: expected timestamp,value (got ${JSON.stringify(line.slice(0, 80))})\n`);
        }
        continue;
      }
      output += `${row[0]},${row[1]},${scorer.next(value).toFixed(4)}\n`;
      scored++;
      await flush(false);
    }
  } catch (error) {
    io.stderr.write(`vigil score: cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  await flush(true);
  io.stderr.write(`vigil score: ${scored} rows scored${bad > 0 ? `, ${bad} skipped` : ''}\n`);
  return scored > 0 || bad === 0 ? 0 : 1;
}
