// The log shipper in a process of its own: the pipeline suite spawns this file to POST simulated
// nginx lines to the collector, so the collector's process, whose CPU per event the suite reports,
// runs only the collector. One module holds both ends of the line protocol: the parent writes
// commands to the child's stdin (`{"prepare":{"from":F,"count":N}}`, then `{"go":true}`), the child
// answers on stdout (`{"ready":true}`, `{"prepared":N}`, `{"accepted":A,"cpuMs":C}`).

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from './harness';
import { chunks, withConcurrency } from './kafka-bench';
import { sharedNginxTraffic } from './nginx-traffic';
import { postLines } from './vigil-stack';

type Command = { prepare: { from: number; count: number } } | { go: true };
type Reply = { ready: true } | { prepared: number } | { accepted: number; cpuMs: number } | { error: string };

const ENTRY = fileURLToPath(import.meta.url);
const LINES_PER_REQUEST = 2_500;
const REQUESTS_IN_FLIGHT = 2;
const READY_TIMEOUT_MS = 120_000;

export const LOAD_SHAPE = `${LINES_PER_REQUEST} nginx lines per request, ${REQUESTS_IN_FLIGHT} in flight`;

export interface LoadGenerator {
  /** Builds the request bodies of lines [from, from + count) of the simulated traffic, off the clock. */
  prepare(from: number, count: number): Promise<void>;
  /** POSTs the prepared bodies; resolves with the lines the collector accepted and the generator's CPU ms for it. */
  go(): Promise<{ accepted: number; cpuMs: number }>;
  stop(): Promise<void>;
}

/** Spawns a generator for `url` whose traffic has `totalLines` lines; resolves once it is ready. */
export async function startLoadGenerator(url: string, totalLines: number): Promise<LoadGenerator> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, url, String(totalLines)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waiting: Array<{ resolve: (reply: Reply) => void; reject: (error: Error) => void }> = [];
  const failAll = (error: Error) => {
    for (const w of waiting.splice(0)) w.reject(error);
  };
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line) as Reply));
  void exited.then(() => failAll(new Error(`the load generator exited (code ${child.exitCode}, signal ${child.signalCode})`)));
  const next = (command?: Command): Promise<Reply> =>
    new Promise<Reply>((resolve, reject) => {
      waiting.push({ resolve, reject });
      if (command !== undefined) child.stdin.write(`${JSON.stringify(command)}\n`);
    }).then((reply) => {
      if ('error' in reply) throw new Error(`load generator: ${reply.error}`);
      return reply;
    });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    await exited;
  };
  const timer = setTimeout(() => failAll(new Error(`the load generator was not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  try {
    await next();
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    prepare: async (from, count) => void (await next({ prepare: { from, count } })),
    go: async () => (await next({ go: true })) as { accepted: number; cpuMs: number },
    stop,
  };
}

async function runGenerator(url: string, totalLines: number): Promise<void> {
  const reply = (message: Reply) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const { lines } = sharedNginxTraffic(totalLines);
  let bodies: Buffer[] = [];
  reply({ ready: true });
  // stdin ends when the parent stops us (or dies): then exit.
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as Command;
    try {
      if ('prepare' in command) {
        const { from, count } = command.prepare;
        bodies = chunks(lines.slice(from, from + count), LINES_PER_REQUEST).map((chunk) => Buffer.from(chunk.join('\n')));
        reply({ prepared: bodies.length });
        continue;
      }
      let accepted = 0;
      const cpuBefore = processCpuMs();
      await withConcurrency(bodies, REQUESTS_IN_FLIGHT, async (body) => {
        const response = await postLines(url, body);
        if (response.status >= 300) throw new Error(`collector answered ${response.status}: ${response.body.slice(0, 300)}`);
        accepted += (JSON.parse(response.body) as { accepted?: number }).accepted ?? 0;
      });
      reply({ accepted, cpuMs: processCpuMs() - cpuBefore });
    } catch (error) {
      reply({ error: (error as Error).message });
    }
  }
}

if (process.argv[1] === ENTRY) {
  const [url, total] = process.argv.slice(2);
  runGenerator(url as string, Number(total)).catch((error: unknown) => {
    process.stderr.write(`load generator: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
