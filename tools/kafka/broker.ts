// A real single-node Apache Kafka (KRaft, broker + controller in one JVM) for tests and local runs,
// without Docker: jars from Maven Central via tools/kafka/pom.xml, storage formatted in a temporary
// directory, ports picked free on 127.0.0.1. Recipe and measurements: docs/kafka-local.md.
//
//   tsx tools/kafka/broker.ts start     prints KAFKA_BROKERS=... and runs until Ctrl-C
//
// tools/ is not a workspace package, so it reaches Vigil's packages by path.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VigilError } from '../../packages/contract/src/index';
import { waitForKafka } from '../../packages/transport/src/index';

const TOOL_DIR = dirname(fileURLToPath(import.meta.url));
const POM = join(TOOL_DIR, 'pom.xml');
const LIB_DIR = join(TOOL_DIR, 'lib');
/** Written last into lib/, holding the pom it was resolved from: a changed pom resolves again. */
const COMPLETE_MARKER = '.resolved-from-pom.xml';
const KAFKA_IN_M2 = join(homedir(), '.m2', 'repository', 'org', 'apache', 'kafka', 'kafka_2.13', '3.9.1');
const READY_LINE = 'Kafka Server started';
// Generous: on this 2-core box with other suites running brokers, a start took 20 s (idle: 3–6 s).
const READY_TIMEOUT_MS = 120000;
const STOP_GRACE_MS = 15000;
const LOG_TAIL_LINES = 40;

export interface LocalBroker {
  /** Bootstrap addresses, e.g. ["127.0.0.1:41234"]. */
  brokers: string[];
  /** The directory holding config, logs and data. */
  dataDir: string;
  /** Controlled shutdown (SIGTERM, SIGKILL after 15 s), then the data directory is removed. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would; the data directory stays for restart(). */
  kill(): Promise<void>;
  /** Starts again on the same ports and data directory (after kill() or a stopped process). */
  restart(): Promise<void>;
}

export interface StartBrokerOptions {
  /** Where config, logs and data live. Default: a fresh temporary directory, removed by stop(). */
  dataDir?: string;
  /** Called with each line the broker prints (besides the broker.log file in dataDir). */
  onLogLine?: (line: string) => void;
}

function brokerStartError(message: string, cause?: unknown): VigilError {
  return new VigilError('VIGIL_BROKER_START', message, { cause });
}

/** Runs a program to completion without a shell; rejects with its output when it fails. */
function run(command: string, args: string[], missingHint: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? brokerStartError(`${command} was not found on PATH. ${missingHint}`, error) : error);
    });
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(brokerStartError(`${command} ${args.join(' ')} exited with ${code}:\n${output.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n')}`));
    });
  });
}

const JAVA_HINT = 'Install Java 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless), or set KAFKA_BROKERS to use a running Kafka.';
const MAVEN_HINT = 'Install Maven 3.8 or newer (Debian/Ubuntu: apt-get install maven), or set KAFKA_BROKERS to use a running Kafka.';

async function copyDependencies(outputDir: string, offline: boolean): Promise<void> {
  const args = ['-B', '-ntp', '-q', ...(offline ? ['-o'] : []), '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${outputDir}`];
  await run('mvn', args, MAVEN_HINT);
}

/**
 * Puts the broker's jars in tools/kafka/lib (gitignored) unless they are there already for the
 * current pom. Offline first when ~/.m2 holds Kafka, online otherwise or when offline fails.
 * Returns the lib directory.
 */
export async function resolveKafkaJars(): Promise<string> {
  const pom = readFileSync(POM, 'utf8');
  const marker = join(LIB_DIR, COMPLETE_MARKER);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === pom) return LIB_DIR;

  // Resolve into a sibling directory and swap it in, so an interrupted run never leaves a half lib/.
  const staging = await mkdtemp(join(TOOL_DIR, '.lib-'));
  try {
    const offlineFirst = existsSync(KAFKA_IN_M2);
    try {
      await copyDependencies(staging, offlineFirst);
    } catch (error) {
      if (!offlineFirst || (error instanceof VigilError && /not found on PATH/.test(error.message))) throw error;
      await copyDependencies(staging, false);
    }
    if (!(await readdir(staging)).some((file) => file.startsWith('kafka_2.13-'))) {
      throw brokerStartError(`Maven ran but ${staging} holds no kafka_2.13 jar; check ${POM}`);
    }
    await writeFile(join(staging, COMPLETE_MARKER), pom);
    await rm(LIB_DIR, { recursive: true, force: true });
    await rename(staging, LIB_DIR);
    return LIB_DIR;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A KRaft cluster id as StorageTool random-uuid prints it (16 random bytes, URL-safe base64) —
 * made here to save a JVM start. Like Kafka's Uuid, never one starting with "-", which its
 * command line would read as an option.
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(brokerPort: number, controllerPort: number, logDir: string): string {
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${logDir}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.dedupe.buffer.size=33554432
log.retention.hours=1
`;
}

const LOG4J_PROPERTIES = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
`;

interface BrokerFiles {
  dir: string;
  serverProperties: string;
  log4j: string;
  brokerLog: string;
}

async function writeBrokerFiles(dir: string, brokerPort: number, controllerPort: number): Promise<BrokerFiles> {
  const files = {
    dir,
    serverProperties: join(dir, 'server.properties'),
    log4j: join(dir, 'log4j.properties'),
    brokerLog: join(dir, 'broker.log'),
  };
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(files.serverProperties, serverProperties(brokerPort, controllerPort, join(dir, 'data')));
  await writeFile(files.log4j, LOG4J_PROPERTIES);
  return files;
}

function javaBaseArgs(lib: string, files: BrokerFiles): string[] {
  // "lib/*" reaches Java unexpanded (no shell): Java's own classpath wildcard.
  return ['-cp', join(lib, '*'), `-Dlog4j.configuration=${pathToFileURL(files.log4j).href}`];
}

async function formatStorage(lib: string, files: BrokerFiles): Promise<void> {
  await run(
    'java',
    ['-Xmx256m', ...javaBaseArgs(lib, files), 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', files.serverProperties, '--ignore-formatted'],
    JAVA_HINT,
  );
}

/** Launches the broker JVM and resolves once it logged READY_LINE and answers describeCluster. */
async function launch(lib: string, files: BrokerFiles, brokers: string[], onLogLine?: (line: string) => void): Promise<ChildProcess> {
  const child = spawn(
    'java',
    ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true', ...javaBaseArgs(lib, files), 'kafka.Kafka', files.serverProperties],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logFile = createWriteStream(files.brokerLog, { flags: 'a' });
  const tail: string[] = [];
  const exited = new AbortController();
  let sawReadyLine = false;
  let markReadyLine: () => void = () => {};
  const readyLine = new Promise<void>((resolve) => (markReadyLine = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      logFile.write(`${line}\n`);
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
      onLogLine?.(line);
      if (!sawReadyLine && line.includes(READY_LINE)) {
        sawReadyLine = true;
        markReadyLine();
      }
    });
  }
  const failure = new Promise<never>((_, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? brokerStartError(`java was not found on PATH. ${JAVA_HINT}`, error) : error);
    });
    child.on('exit', (code, signal) => {
      exited.abort(`the broker process exited (${signal ?? code})`);
      reject(brokerStartError(`The Kafka broker exited (${signal ?? code}) before it was ready. Last lines of ${files.brokerLog}:\n${tail.join('\n')}`));
    });
  });
  failure.catch(() => {});
  child.on('exit', () => logFile.end());
  const timeout = setTimeout(() => exited.abort(`"${READY_LINE}" not logged within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
  try {
    await Promise.race([
      Promise.all([readyLine, waitForKafka({ brokers, timeoutMs: READY_TIMEOUT_MS, signal: exited.signal })]),
      failure,
    ]);
    if (!sawReadyLine) throw brokerStartError(`The Kafka broker never logged "${READY_LINE}". Last lines:\n${tail.join('\n')}`);
    return child;
  } catch (error) {
    child.kill('SIGKILL');
    throw error instanceof VigilError && error.code === 'VIGIL_BROKER_START'
      ? error
      : brokerStartError(`The Kafka broker did not become ready: ${(error as Error).message}. Last lines of ${files.brokerLog}:\n${tail.join('\n')}`, error);
  } finally {
    clearTimeout(timeout);
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  const exited = exitOf(child);
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([exited, forced]);
  clearTimeout(timer);
  await exited;
}

export async function startBroker(options: StartBrokerOptions = {}): Promise<LocalBroker> {
  const lib = await resolveKafkaJars();
  const ownsDir = options.dataDir === undefined;
  const dir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'vigil-kafka-')));
  const [brokerPort, controllerPort] = [await freePort(), await freePort()];
  const brokers = [`127.0.0.1:${brokerPort}`];
  const files = await writeBrokerFiles(dir, brokerPort!, controllerPort!);
  let child: ChildProcess | undefined;
  // A test runner that dies must not leave a JVM behind holding ports.
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const begin = async (): Promise<void> => {
    child = await launch(lib, files, brokers, options.onLogLine);
  };
  try {
    await formatStorage(lib, files);
    await begin();
  } catch (error) {
    process.removeListener('exit', killOnExit);
    if (ownsDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    brokers,
    dataDir: dir,
    async stop() {
      if (child !== undefined) await terminate(child, STOP_GRACE_MS);
      child = undefined;
      process.removeListener('exit', killOnExit);
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
    async kill() {
      if (child === undefined) return;
      const exited = exitOf(child);
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      if (child !== undefined) await terminate(child, STOP_GRACE_MS);
      await begin();
    },
  };
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'start') {
    process.stderr.write('usage: tsx tools/kafka/broker.ts start\n');
    return 2;
  }
  const startedAt = Date.now();
  const broker = await startBroker();
  process.stdout.write(`KAFKA_BROKERS=${broker.brokers.join(',')}\n`);
  process.stderr.write(`Kafka ready in ${Date.now() - startedAt} ms (data in ${broker.dataDir}); Ctrl-C stops it.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await broker.stop();
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
