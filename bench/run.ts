// `pnpm bench [--quick] [--only <suite>[,<suite>...]]`: runs every benchmark suite (bench/suites/*.bench.ts and
// packages/*/bench/**/*.bench.ts), prints one table on stdout and writes bench/results/latest.json.
// CPU-only suites run first, before the Kafka broker starts competing for the two cores.

import { readdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext, BenchSuite, BrokerHandle, Figure } from './lib/harness';
import { formatTable } from './lib/report';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);

async function suiteFiles(): Promise<string[]> {
  const files = (await readdir(join(BENCH_DIR, 'suites'))).map((f) => join(BENCH_DIR, 'suites', f));
  for (const pkg of await readdir(join(ROOT, 'packages'))) {
    const dir = join(ROOT, 'packages', pkg, 'bench');
    const found = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
    files.push(...found.map((f) => join(dir, f)));
  }
  return files.filter((f) => f.endsWith('.bench.ts')).sort();
}

/** `--only transport,pipeline` runs those suites (in their usual order), e.g. to warm the broker up first. */
function parseArgs(argv: readonly string[]): { quick: boolean; only: string[] | undefined } {
  const onlyIndex = argv.indexOf('--only');
  return { quick: argv.includes('--quick'), only: onlyIndex === -1 ? undefined : (argv[onlyIndex + 1] ?? '').split(',') };
}

async function main(): Promise<number> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const startedAt = performance.now();
  const figures: Figure[] = [];
  let broker: Promise<BrokerHandle | string[]> | undefined;

  const ctx: BenchContext = {
    quick,
    log: (message) => process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`),
    record: (figure) => figures.push(figure),
    brokers: async () => {
      broker ??= (async () => {
        const configured = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter((b) => b !== '');
        if (configured !== undefined && configured.length > 0) return configured;
        ctx.log('starting a local Kafka broker (tools/kafka/broker.ts)');
        const { startBroker } = await import('../tools/kafka/broker');
        return startBroker();
      })();
      const handle = await broker;
      return Array.isArray(handle) ? handle : handle.brokers;
    },
  };

  const suites: Array<{ suite: BenchSuite; file: string }> = [];
  for (const file of await suiteFiles()) {
    const module = (await import(pathToFileURL(file).href)) as { default: BenchSuite };
    if (only === undefined || only.includes(module.default.name)) suites.push({ suite: module.default, file });
  }
  suites.sort((a, b) => a.suite.order - b.suite.order);

  const failures: string[] = [];
  try {
    for (const { suite, file } of suites) {
      ctx.log(`suite ${suite.name} (${relative(ROOT, file)})`);
      try {
        await suite.run(ctx);
      } catch (error) {
        failures.push(`${suite.name}: ${(error as Error).stack ?? String(error)}`);
        ctx.log(`suite ${suite.name} failed: ${(error as Error).message}`);
      }
    }
  } finally {
    const handle = broker === undefined ? undefined : await broker.catch(() => undefined);
    if (handle !== undefined && !Array.isArray(handle)) await handle.stop();
  }

  const results: Record<string, number> = {};
  for (const figure of figures) {
    results[figure.key] = figure.value;
    const baseline = figure.baseline === undefined ? undefined : figures.find((f) => f.key === figure.baseline?.key);
    if (figure.baseline !== undefined && baseline !== undefined) results[figure.baseline.ratioKey] = figure.value / baseline.value;
  }
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
  const elapsed = (performance.now() - startedAt) / 1000;
  process.stdout.write(`Vigil benchmarks${quick ? ' (--quick)' : ''} on ${machine}, ${elapsed.toFixed(0)} s\n\n`);
  process.stdout.write(formatTable(figures, results));
  const outFile = join(BENCH_DIR, 'results', 'latest.json');
  await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwrote ${relative(ROOT, outFile)}\n`);
  for (const failure of failures) process.stderr.write(`\nFAILED ${failure}\n`);
  return failures.length === 0 ? 0 : 1;
}

// Exit explicitly: a suite that failed half-way may leave a Kafka client retrying in the background.
process.exit(await main());
