// `pnpm bench:parse-ab [<git-ref>] [--format nginx|auto] [--processes N] [--seconds S]`: is the
// working tree's nginx parse + normalize faster than <git-ref>'s (default HEAD)?
//
// Each measurement is a process of its own that loads one version of packages/formats/src, and
// reports parse time per line as a ratio to the floor (a Buffer split into one string per line,
// as parse.bench.ts measures it) taken in rounds alternating with the parse rounds, so the host's
// shifting speed cancels out. Base and working-tree processes alternate, N of each, because the
// same code compiles differently from one process to the next (concurrent compilation sees
// different feedback): two module copies of identical code in one process differed by up to a
// quarter, and one tree's ratio ranged from 0.16 to 0.22 over quick bench runs. Compare the two
// sets of ratios, not two single runs. Both versions must give the same result for every line (checked
// by a digest of every result).

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { measureRates } from '../bench/lib/harness';
import { sharedNginxTraffic } from '../bench/lib/nginx-traffic';
import type * as Formats from '../packages/formats/src/index';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CTX = { source: 'parse-ab', receivedAt: 0 };
const LINES = 100_000;
/** Set in a measuring child: the packages/formats/src directory it loads. */
const CHILD_ENV = 'VIGIL_PARSE_AB_SOURCES';

/** The simulated traffic is nginx `combined`: read as that format, or detected. */
type Format = 'nginx' | 'auto';

interface Measurement {
  ratioToFloor: number;
  parseNsPerLine: number;
  digest: string;
}

/** Runs in a child: one version of the parser, its rounds alternating with the floor's. */
async function measure(sources: string, format: Format, seconds: number): Promise<Measurement> {
  const formats = (await import(pathToFileURL(join(sources, 'index.ts')).href)) as typeof Formats;
  const bytes = sharedNginxTraffic(LINES).buffer;
  const digest = createHash('sha256');
  const checking = formats.createEventParser({ format });
  formats.forEachLineInBlocks(bytes, (text, start, end) => void digest.update(JSON.stringify(checking.parseLineAt(text, start, end, CTX))));
  const parser = formats.createEventParser({ format });
  let sink = 0;
  const rates = measureRates(LINES, (seconds * 1000) / 2, {
    floor: () => {
      let start = 0;
      for (let newline = bytes.indexOf(0x0a); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
        sink += bytes.toString('utf8', start, newline).length;
        start = newline + 1;
      }
    },
    parse: () => formats.forEachLineInBlocks(bytes, (text, start, end) => void parser.parseLineAt(text, start, end, CTX)),
  });
  if (sink < 0) throw new Error('unreachable: keeps the floor loop from being optimized away');
  return { ratioToFloor: rates.parse.perSecond / rates.floor.perSecond, parseNsPerLine: 1e9 / rates.parse.perSecond, digest: digest.digest('hex') };
}

/** packages/formats/src as of `ref`, extracted under .vigil/ (ignored by git); returns its directory. */
function extract(ref: string): { commit: string; dir: string } {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = join(ROOT, '.vigil', 'parse-ab', commit);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', commit, 'packages/formats/src'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  return { commit, dir: join(dir, 'packages', 'formats', 'src') };
}

function runChild(sources: string, args: readonly string[]): Measurement {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    env: { ...process.env, [CHILD_ENV]: sources },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`measuring process for ${sources} failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout) as Measurement;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'nginx' },
      processes: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '4' },
    },
  });
  const format = values.format;
  if (format !== 'nginx' && format !== 'auto') throw new Error(`--format must be nginx or auto, e.g. --format auto (got ${format})`);
  const processes = Number(values.processes);
  if (!Number.isInteger(processes) || processes < 1) throw new Error(`--processes must be a positive integer, e.g. --processes 5 (got ${values.processes})`);
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, e.g. --seconds 4 (got ${values.seconds})`);

  const childSources = process.env[CHILD_ENV];
  if (childSources !== undefined) {
    process.stdout.write(`${JSON.stringify(await measure(childSources, format, seconds))}\n`);
    return 0;
  }

  const ref = positionals[0] ?? 'HEAD';
  const base = extract(ref);
  const sides = { base: base.dir, tree: join(ROOT, 'packages', 'formats', 'src') };
  const results: Record<keyof typeof sides, Measurement[]> = { base: [], tree: [] };
  process.stdout.write(`format ${format}, ${processes} processes each, ${LINES} simulated lines; base ${ref} (${base.commit.slice(0, 12)})\n`);
  try {
    for (let i = 0; i < processes; i++) {
      // Alternate which side goes first, so neither always runs in the other's wake.
      const order: Array<keyof typeof sides> = i % 2 === 0 ? ['base', 'tree'] : ['tree', 'base'];
      for (const side of order) {
        const result = runChild(sides[side], process.argv.slice(2));
        results[side].push(result);
        process.stdout.write(`  ${side === 'base' ? 'base         ' : 'working tree '} ${result.ratioToFloor.toFixed(3)} of floor, ${result.parseNsPerLine.toFixed(0)} ns/line\n`);
      }
    }
  } finally {
    rmSync(join(ROOT, '.vigil', 'parse-ab', base.commit), { recursive: true, force: true });
  }
  const baseRatio = median(results.base.map((r) => r.ratioToFloor));
  const treeRatio = median(results.tree.map((r) => r.ratioToFloor));
  const same = new Set([...results.base, ...results.tree].map((r) => r.digest)).size === 1;
  process.stdout.write(
    `median ratio to floor: base ${baseRatio.toFixed(3)}, working tree ${treeRatio.toFixed(3)} (${((treeRatio / baseRatio - 1) * 100).toFixed(1)} %)\n` +
      `results ${same ? 'identical' : 'DIFFER'} for every line\n`,
  );
  return same ? 0 : 1;
}

process.exitCode = await main();
