// The detector in a process of its own, as deployed (`vigil start detector` with KAFKA_BROKERS):
// the pipeline suite spawns this file and joins the topics its collector publishes to. One module
// holds both ends of the line protocol on the child's stdout: `{"ready":true}` once the detector
// has started, then `{"received":N}` (events consumed, decoded and scored so far) as N grows.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { VigilHttpServer } from '../../packages/http/src/index';
import { startDetector } from '../../services/detector/src/index';
import { processCpuMs } from './harness';
import { benchTransport } from './kafka-bench';
import { countingTelemetry } from './vigil-stack';

type ChildMessage = { ready: true } | { received: number; cpuMs: number };

const ENTRY = fileURLToPath(import.meta.url);
/**
 * The V8 flags package.json's "vigil" script starts Vigil with (so the child runs as deployed): a
 * 64 MiB young generation instead of 16, because events wait in it for Kafka's acknowledgement and
 * were promoted and collected again by the old generation (see docs/performance.md).
 */
export const VIGIL_NODE_FLAGS = ['--max-semi-space-size=64'];
const READY_TIMEOUT_MS = 60_000;
/** How long a detector may drain and commit on SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 15_000;

export interface DetectorProcess {
  /** Events the child's detector has consumed and scored, as last reported. */
  received(): number;
  /** The child's CPU time (user + system, ms) when it last reported. */
  cpuMs(): number;
  /** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS; resolves once it exited. */
  stop(): Promise<void>;
}

/** Spawns the detector with `env` (brokers, topic prefix, group id) and resolves once it reports ready. */
export async function startDetectorProcess(env: Record<string, string>): Promise<DetectorProcess> {
  // stdin stays open as a lifeline: if this process dies, the child sees its end and stops.
  // VIGIL_BENCH_CPU_PROF_DIR=<dir> writes a V8 CPU profile of the child there when it stops.
  const profileDir = process.env.VIGIL_BENCH_CPU_PROF_DIR;
  const profile = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  const child = spawn(process.execPath, [...VIGIL_NODE_FLAGS, ...profile, '--import', 'tsx', ENTRY], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  let received = 0;
  let cpuMs = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killer);
  };
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as ChildMessage;
      if ('ready' in message) resolve();
      else ({ received, cpuMs } = message);
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`the detector process exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready`)));
    setTimeout(() => reject(new Error(`the detector process was not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS).unref();
  });
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return { received: () => received, cpuMs: () => cpuMs, stop };
}

async function runDetectorChild(): Promise<void> {
  const env = process.env;
  const brokers = (env.KAFKA_BROKERS ?? '').split(',');
  const { transport, telemetry: base, logger } = await benchTransport(brokers, env.VIGIL_TOPIC_PREFIX ?? '');
  const report = (message: ChildMessage) => process.stdout.write(`${JSON.stringify(message)}\n`);
  let received = 0;
  let reportDue = false;
  const telemetry = countingTelemetry(base, (component, count) => {
    if (component !== 'detector') return;
    received += count;
    // The detector counts a batch as received just before it scores it in the same synchronous
    // step; reporting on the next turn of the loop means the count covers scored events only. One
    // report per turn, however many batches it scored, keeps the measuring out of the measurement.
    if (reportDue) return;
    reportDue = true;
    setImmediate(() => {
      reportDue = false;
      report({ received, cpuMs: processCpuMs() });
    });
  });
  const http = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry });
  const detector = await startDetector({ transport, logger, telemetry, http, env });
  await http.listen();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await http.close();
      await detector.stop();
      await transport.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`detector process: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  report({ ready: true });
}

if (process.argv[1] === ENTRY) {
  runDetectorChild().catch((error: unknown) => {
    process.stderr.write(`detector process: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
