import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VigilError } from '@vigil/contract';
import { COMPONENT_METRICS, createLogger, createTelemetry } from '@vigil/telemetry';
import { countingMetrics } from '../../counting-metrics.test-helper';
import { IngestPipeline } from '../../ingest-pipeline';
import { parserSettings } from '../../parser-settings';
import { PublishBuffer, type PublishEntry } from '../../sinks/publish-buffer';
import { ParserRegistry } from '../../transforms/parser-registry';
import { IngestAudit } from '../http/ingest-audit';
import { NetworkAllowList } from './network-allow-list';
import { startSyslogTcp, startSyslogUdp, type SyslogDeps } from './syslog-servers';
import { TEST_TLS } from '../../../../../test/support/tls';
import { capturedLogger } from '../../../../../test/support/captured-logger';

const logger = createLogger({ name: 'syslog-servers-test', level: 'silent' });
const stoppers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stoppers.splice(0)) await stop();
});

/** When the lines below were logged: the pipeline rejects timestamps far from now. */
const LOGGED_AT = Date.parse('2025-11-27T21:36:00Z');
const nginxLine = (path: string) => `203.0.113.9 - - [27/Nov/2025:21:36:00 +0000] "GET ${path} HTTP/1.1" 200 512 "-" "curl/8.5.0"`;
const rfc5424 = (path: string) => `<190>1 2025-11-27T21:36:00Z web-1 nginx - - - ${nginxLine(path)}`;
const octetCounted = (message: string) => `${Buffer.byteLength(message)} ${message}`;

/** Syslog deps on a real pipeline whose buffer hands what it publishes to the test, once `kafka` resolves. */
function syslogDeps(options: { maxLineBytes?: number; maxItems?: number; kafka?: () => Promise<void> } = {}) {
  const published: PublishEntry[] = [];
  const publish = async (entries: readonly PublishEntry[]) => {
    await options.kafka?.();
    published.push(...entries);
  };
  const buffer = new PublishBuffer({ maxItems: options.maxItems ?? 1000, maxItemsPerSend: 1000, publish });
  const { counts, metrics } = countingMetrics();
  const settings = parserSettings({});
  const telemetry = createTelemetry('syslog-servers-test');
  const pipeline = new IngestPipeline({ buffer, parsers: new ParserRegistry(settings.options, settings.defaultFormat), metrics, tracer: telemetry.tracer, now: () => LOGGED_AT });
  const deps: SyslogDeps = {
    pipeline,
    buffer,
    allowList: new NetworkAllowList(['127.0.0.0/8']),
    audit: new IngestAudit(logger),
    metrics,
    logger,
    maxLineBytes: options.maxLineBytes ?? 65_536,
    format: undefined,
  };
  const paths = () => published.flatMap((entry) => entry.events.map((event) => event.request.path));
  const rejections = () => published.flatMap((entry) => entry.rejections.map((rejection) => rejection.reason));
  return { deps, buffer, counts, paths, rejections };
}

async function tcpServer(deps: SyslogDeps): Promise<number> {
  const server = await startSyslogTcp(deps, { host: '127.0.0.1', port: 0, maxConnections: 10 });
  stoppers.push(server.close);
  return server.address.port;
}

/** A UDP listener whose warnings and kernel drop count the test reads. */
async function udpServer(receiveBufferBytes: number) {
  const { logger, warnings } = capturedLogger('syslog-udp-test', 'info');
  const { deps, paths } = syslogDeps();
  const telemetry = createTelemetry('syslog-udp-test');
  const { name, description } = COMPONENT_METRICS.syslogUdpDropped;
  const udp = await startSyslogUdp(
    { ...deps, logger },
    { host: '127.0.0.1', port: 0, receiveBufferBytes, kernelDrops: telemetry.counter(name, description), kernelDropsPollMs: 20 },
  );
  stoppers.push(udp.close);
  const kernelDrops = async () => {
    const sample = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)$`, 'm').exec(await telemetry.renderPrometheus());
    return sample === null ? undefined : Number(sample[1]);
  };
  return { udp, warnings: () => warnings().map((record) => record.msg), paths, kernelDrops };
}

async function connectTo(port: number): Promise<Socket & { closed: boolean }> {
  const socket = connect(port, '127.0.0.1') as Socket & { closed: boolean };
  socket.on('error', () => undefined);
  stoppers.push(async () => void socket.destroy());
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

describe('syslog over TCP', () => {
  it('reads raw access-log lines without a PRI, which start with a digit, and keeps the connection', async () => {
    const { deps, counts, paths } = syslogDeps();
    const socket = await connectTo(await tcpServer(deps));
    socket.write(`${nginxLine('/raw/1')}\n${nginxLine('/raw/2')}\n`);
    await vi.waitFor(() => expect(paths()).toEqual(['/raw/1', '/raw/2']));
    socket.write(`${octetCounted(rfc5424('/counted/3'))}${nginxLine('/raw/4')}\n`);
    await vi.waitFor(() => expect(paths()).toEqual(['/raw/1', '/raw/2', '/counted/3', '/raw/4']));
    expect(socket.closed).toBe(false);
    expect(counts['error:syslog-tcp-framing']).toBeUndefined();
  });

  it('rejects an octet-counted message over the limit as line_too_long and keeps the connection', async () => {
    const { deps, counts, paths, rejections } = syslogDeps({ maxLineBytes: 4096 });
    const socket = await connectTo(await tcpServer(deps));
    const tooLong = rfc5424(`/too-long/${'a'.repeat(10_000)}`);
    socket.write([rfc5424('/before/1'), rfc5424('/before/2'), tooLong, rfc5424('/after/1')].map(octetCounted).join(''));
    await vi.waitFor(() => expect(paths()).toEqual(['/before/1', '/before/2', '/after/1']));
    socket.write(octetCounted(rfc5424('/after/2')));
    await vi.waitFor(() => expect(paths()).toEqual(['/before/1', '/before/2', '/after/1', '/after/2']));
    expect(rejections()).toEqual(['line_too_long']);
    expect(counts['rejected:line_too_long']).toBe(1);
    expect(socket.closed).toBe(false);
  });

  it('holds what arrives while another source has filled the buffer and publishes it once there is room', async () => {
    let acknowledge = () => {};
    const acknowledged = new Promise<void>((resolve) => (acknowledge = resolve));
    const { deps, buffer, counts, paths } = syslogDeps({ maxItems: 2, kafka: () => acknowledged });
    const port = await tcpServer(deps);
    const fromHttp = deps.pipeline.ingest([1, 2].map((n) => ({ kind: 'line', text: nginxLine(`/http/${n}`) }) as const), { name: 'http', kind: 'http' }, undefined);
    expect(buffer.hasRoom()).toBe(false);
    const waitsForRoom = vi.spyOn(buffer, 'waitForRoom');
    const socket = await connectTo(port);
    socket.write(['/tcp/1', '/tcp/2', '/tcp/3'].map((path) => `${rfc5424(path)}\n`).join(''));
    // The connection has read the lines once it waits for room.
    await vi.waitFor(() => expect(waitsForRoom).toHaveBeenCalled());
    acknowledge();
    await fromHttp.published;
    await vi.waitFor(() => expect(paths()).toEqual(['/http/1', '/http/2', '/tcp/1', '/tcp/2', '/tcp/3']));
    expect(counts['discarded:publish_failed']).toBeUndefined();
  });

  it('counts only the accepted lines as discarded when Kafka refuses them: rejected lines are counted already', async () => {
    const refused = () => Promise.reject(new VigilError('VIGIL_KAFKA_UNAVAILABLE', 'record too large', { retryable: false }));
    const { deps, counts } = syslogDeps({ kafka: refused });
    const socket = await connectTo(await tcpServer(deps));
    socket.write(`${rfc5424('/accepted')}\n<190>1 2025-11-27T21:36:00Z web-1 nginx - - - not an access log\n`);
    await vi.waitFor(() => expect(counts['received']).toBe(2));
    await vi.waitFor(() => expect(counts['discarded:publish_failed']).toBe(1));
    expect(counts['rejected:unknown_format']).toBe(1);
  });
});

describe('syslog over TLS', () => {
  const tls = { ...TEST_TLS, certVariable: 'VIGIL_SYSLOG_TLS_CERT_FILE', keyVariable: 'VIGIL_SYSLOG_TLS_KEY_FILE' };

  async function tlsServer(deps: SyslogDeps, tlsHandshakeTimeoutMs?: number): Promise<number> {
    const server = await startSyslogTcp(deps, { host: '127.0.0.1', port: 0, maxConnections: 10, tls, ...(tlsHandshakeTimeoutMs === undefined ? {} : { tlsHandshakeTimeoutMs }) });
    stoppers.push(server.close);
    return server.address.port;
  }

  it('closes a connection from an address outside the allowed networks before any handshake', async () => {
    const { deps } = syslogDeps();
    const port = await tlsServer({ ...deps, allowList: new NetworkAllowList(['10.0.0.0/8']) });
    const socket = await connectTo(port);
    // It sends nothing: a server that waited for its handshake would hold it for the handshake timeout.
    await new Promise((resolve) => socket.once('close', resolve));
    expect(socket.bytesRead).toBe(0);
  });

  it('closes a connection from an allowed address that does not finish its handshake in time', async () => {
    const { deps } = syslogDeps();
    const port = await tlsServer(deps, 200);
    const socket = await connectTo(port);
    // Node's own limit is 120 s, far past this test's timeout.
    await new Promise((resolve) => socket.once('close', resolve));
    expect(socket.bytesRead).toBe(0);
  });

  it('reads lines from an allowed address over TLS', async () => {
    const { deps, paths } = syslogDeps();
    const port = await tlsServer(deps);
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(TEST_TLS.certFile) });
    socket.on('error', () => undefined);
    stoppers.push(async () => void socket.destroy());
    socket.write(`${nginxLine('/tls/1')}\n`);
    await vi.waitFor(() => expect(paths()).toEqual(['/tls/1']));
  });
});

describe('syslog over UDP', () => {
  it('asks the kernel for the configured receive buffer', async () => {
    const { udp, warnings } = await udpServer(128 * 1024);
    expect(udp.receiveBufferBytes).toBe(128 * 1024);
    expect(warnings()).toEqual([]);
  });

  it('warns when the kernel grants less receive buffer than asked for', async () => {
    const { udp, warnings } = await udpServer(1024 * 1024 * 1024);
    expect(udp.receiveBufferBytes).toBeLessThan(1024 * 1024 * 1024);
    expect(warnings()).toEqual([expect.stringContaining('VIGIL_SYSLOG_UDP_RECEIVE_BUFFER_BYTES')]);
  });

  it('takes the datagrams one read of the socket brings as one batch, and loses none', async () => {
    const { deps, paths } = syslogDeps();
    const ingest = vi.spyOn(deps.pipeline, 'ingest');
    const telemetry = createTelemetry('syslog-udp-batch-test');
    const { name, description } = COMPONENT_METRICS.syslogUdpDropped;
    const udp = await startSyslogUdp(deps, { host: '127.0.0.1', port: 0, receiveBufferBytes: 4 * 1024 * 1024, kernelDrops: telemetry.counter(name, description) });
    stoppers.push(udp.close);
    // Sent while spawnSync blocks this process, so they wait in the socket's buffer together.
    const sent = 500;
    const sender = `const s = require('node:dgram').createSocket('udp4'); let i = 0;
      const next = () => (i < ${sent} ? s.send('<190>1 2025-11-27T21:36:00Z web-1 nginx - - - ' + ${JSON.stringify(nginxLine('/b'))}.replace('/b', '/b' + i++), ${udp.address.port}, '127.0.0.1', next) : s.close()); next();`;
    expect(spawnSync(process.execPath, ['-e', sender]).status).toBe(0);
    await vi.waitFor(() => expect(paths()).toHaveLength(sent));
    expect(new Set(paths()).size).toBe(sent);
    expect(ingest.mock.calls.length).toBeLessThan(sent / 10);
  });

  it('counts the datagrams the kernel dropped because the receive buffer was full (Linux only)', async () => {
    const { udp, paths, kernelDrops } = await udpServer(64 * 1024);
    if (process.platform !== 'linux') {
      expect(await kernelDrops()).toBeUndefined();
      return;
    }
    expect(await kernelDrops()).toBe(0);
    // A child sends while spawnSync blocks this process: nothing reads the socket, so once its
    // buffer is full the kernel drops the rest.
    const sent = 5000;
    const sender = `const s = require('node:dgram').createSocket('udp4'); let i = 0;
      const next = () => (i++ < ${sent} ? s.send(${JSON.stringify(rfc5424('/udp'))}, ${udp.address.port}, '127.0.0.1', next) : s.close()); next();`;
    expect(spawnSync(process.execPath, ['-e', sender]).status).toBe(0);
    await vi.waitFor(async () => expect(await kernelDrops()).toBeGreaterThan(0));
    // Each datagram is read or dropped (loopback could also lose some before the socket, uncounted).
    await vi.waitFor(async () => expect(paths().length).toBeGreaterThan(0));
    expect(paths().length + ((await kernelDrops()) ?? 0)).toBeLessThanOrEqual(sent);
  });
});
