// Syslog listeners: UDP (one message per datagram) and TCP or TLS (a stream of framed messages).
// Only allowed networks are heard. A full buffer drops UDP (counted: it has no flow control) and
// pauses TCP sockets; an over-long TCP message is rejected and the connection kept.

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createTcpServer, isIPv6, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { listenProblem, readTlsFiles, reloadTlsOnChange, type TlsFiles } from '@vigil/http';
import type { Counter, Logger } from '@vigil/telemetry';
import type { PipelineMetrics } from '@vigil/telemetry';
import { splitLines, type Frame } from '../../framing/line-splitter';
import { SyslogStreamFramer } from '../../framing/syslog-stream-framer';
import type { IngestPipeline } from '../../ingest-pipeline';
import type { IngestItem } from '../../transforms/ingest-item';
import type { PublishBuffer } from '../../sinks/publish-buffer';
import type { IngestAudit } from '../http/ingest-audit';
import type { NetworkAllowList } from './network-allow-list';
import { HeldReads } from '../../sinks/held-reads';
import { syslogItem } from './syslog-items';
import { watchKernelDrops } from './udp-kernel-drops';

export interface SyslogDeps {
  pipeline: IngestPipeline;
  buffer: PublishBuffer;
  allowList: NetworkAllowList;
  audit: IngestAudit;
  metrics: PipelineMetrics;
  logger: Logger;
  maxLineBytes: number;
  format: string | undefined;
}

function ingestFrames(deps: SyslogDeps, source: 'syslog-udp' | 'syslog-tcp', frames: Iterable<Frame>): void {
  const items: IngestItem[] = [];
  for (const frame of frames) {
    const item = syslogItem(frame);
    if (item !== undefined) items.push(item);
  }
  if (items.length > 0) deps.pipeline.ingestUnacknowledged(items, { name: source, kind: source }, deps.format, deps.logger);
}

export interface SyslogUdpOptions {
  host: string;
  port: number;
  /** SO_RCVBUF asked of the kernel; it may grant less. */
  receiveBufferBytes: number;
  /** Counts the datagrams the kernel dropped for the socket (Linux only). */
  kernelDrops: Counter;
  /** How often the kernel's drop count is read; default 5 s. */
  kernelDropsPollMs?: number;
}

/** What SO_RCVBUF the kernel granted: Linux doubles the size set (for its bookkeeping) and reports that. */
function grantedReceiveBufferBytes(socket: UdpSocket): number {
  const reported = socket.getRecvBufferSize();
  return process.platform === 'linux' ? reported / 2 : reported;
}

/** Asks for the receive buffer and says what was granted: Linux caps it at net.core.rmem_max without a word. */
function setReceiveBuffer(deps: SyslogDeps, socket: UdpSocket, requestedBytes: number): number {
  try {
    socket.setRecvBufferSize(requestedBytes);
  } catch (error) {
    deps.logger.warn({ err: error, requestedBytes }, 'syslog UDP: could not set the receive buffer (VIGIL_SYSLOG_UDP_RECEIVE_BUFFER_BYTES)');
  }
  const grantedBytes = grantedReceiveBufferBytes(socket);
  if (grantedBytes < requestedBytes) {
    deps.logger.warn(
      { requestedBytes, grantedBytes },
      `syslog UDP: the kernel granted a receive buffer of ${grantedBytes} bytes, not the ${requestedBytes} asked for (VIGIL_SYSLOG_UDP_RECEIVE_BUFFER_BYTES); ` +
        `bursts beyond it are dropped. Raise the cap: sysctl -w net.core.rmem_max=${requestedBytes}`,
    );
  } else {
    deps.logger.info({ requestedBytes, grantedBytes }, 'syslog UDP receive buffer set');
  }
  return grantedBytes;
}

export async function startSyslogUdp(
  deps: SyslogDeps,
  options: SyslogUdpOptions,
): Promise<{ address: AddressInfo; receiveBufferBytes: number; close(): Promise<void> }> {
  const { host, port } = options;
  const socket: UdpSocket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  // The datagrams one read of the socket brings (libuv reads many per turn) go down the pipeline as
  // one batch: a batch per datagram cost a parse setup and a publish each, and capped the rate at
  // about 1000 datagrams a second, past which the kernel dropped the rest.
  let pending: Frame[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    const frames = pending;
    pending = [];
    ingestFrames(deps, 'syslog-udp', frames);
  };
  socket.on('message', (datagram, remote) => {
    if (!deps.allowList.allows(remote.address)) {
      deps.metrics.discarded(1, 'not_allowed', { source: 'syslog-udp' });
      deps.audit.refused('syslog-udp', { remote: remote.address, reason: 'address not in VIGIL_SYSLOG_ALLOWED_NETWORKS' });
      return;
    }
    deps.audit.accepted('syslog-udp', { remote: remote.address });
    if (!deps.buffer.hasRoom()) {
      deps.metrics.discarded(1, 'backpressure', { source: 'syslog-udp' });
      return;
    }
    for (const frame of splitLines(datagram, deps.maxLineBytes)) pending.push(frame);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  });
  socket.on('error', (error) => deps.logger.error({ err: error }, 'syslog UDP socket error'));
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      socket.close();
      reject(listenProblem(error, { host, port, hostVariable: 'VIGIL_SYSLOG_HOST', portVariable: 'VIGIL_SYSLOG_UDP_PORT' }));
    };
    socket.once('error', failed);
    socket.bind(port, host, () => {
      socket.off('error', failed);
      resolve();
    });
  });
  const receiveBufferBytes = setReceiveBuffer(deps, socket, options.receiveBufferBytes);
  const address = socket.address();
  const stopWatchingDrops = watchKernelDrops(
    { family: isIPv6(host) ? 'udp6' : 'udp4', port: address.port },
    { counter: options.kernelDrops, logger: deps.logger, pollMs: options.kernelDropsPollMs ?? 5000 },
  );
  return {
    address,
    receiveBufferBytes,
    close: async () => {
      await stopWatchingDrops?.();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      if (flushScheduled) flush();
    },
  };
}

export interface SyslogTcpOptions {
  host: string;
  port: number;
  maxConnections: number;
  /** Serve TLS with these files, read again when they change. */
  tls?: TlsFiles;
  /** How often the TLS files are checked for a renewal; default 60 s. */
  tlsReloadIntervalMs?: number;
  /** How long a TLS handshake may take before the connection is closed; default 10 s. */
  tlsHandshakeTimeoutMs?: number;
}

/**
 * Node's default is 120 s: long enough for a few stalled handshakes from an allowed network to
 * hold every place under maxConnections. A gateway's handshake takes milliseconds.
 */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Whether the connection's address may send syslog; one that may not is closed and audited. */
function admitted(deps: SyslogDeps, socket: Socket): boolean {
  if (deps.allowList.allows(socket.remoteAddress)) return true;
  deps.audit.refused('syslog-tcp', { remote: socket.remoteAddress ?? '-', reason: 'address not in VIGIL_SYSLOG_ALLOWED_NETWORKS' });
  socket.destroy();
  return false;
}

/** A connection from an allowed address (over TLS, once its handshake is done). */
function handleConnection(deps: SyslogDeps, socket: Socket, connections: Set<Socket>): void {
  const remote = socket.remoteAddress;
  deps.audit.accepted('syslog-tcp', { remote: remote ?? '-' });
  connections.add(socket);
  const framer = new SyslogStreamFramer(deps.maxLineBytes);
  const ingestRead = (read: Buffer | 'end'): void => {
    if (read !== 'end') return ingestFrames(deps, 'syslog-tcp', framer.push(read));
    try {
      ingestFrames(deps, 'syslog-tcp', framer.end());
    } catch (error) {
      deps.metrics.error('syslog-tcp-framing', { source: 'syslog-tcp' });
      deps.logger.warn({ err: error, remote }, 'syslog connection ended inside a message; its start is lost');
    }
  };
  // Held while the buffer is full, the socket paused meanwhile: the sender gets TCP backpressure.
  const reads = new HeldReads<Buffer | 'end'>(socket, deps.buffer, ingestRead);
  socket.on('data', (chunk: Buffer) => reads.take(chunk));
  socket.on('end', () => reads.take('end'));
  socket.on('error', (error) => deps.logger.debug({ err: error, remote }, 'syslog connection error'));
  socket.on('close', () => connections.delete(socket));
}

export async function startSyslogTcp(deps: SyslogDeps, options: SyslogTcpOptions): Promise<{ address: AddressInfo; close(): Promise<void> }> {
  const connections = new Set<Socket>();
  const onConnection = (socket: Socket) => handleConnection(deps, socket, connections);
  let stopTlsReload = (): void => {};
  let server: Server;
  if (options.tls === undefined) {
    server = createTcpServer((socket) => {
      if (admitted(deps, socket)) onConnection(socket);
    });
  } else {
    const handshakeTimeout = options.tlsHandshakeTimeoutMs ?? TLS_HANDSHAKE_TIMEOUT_MS;
    const tlsServer = createTlsServer({ ...readTlsFiles(options.tls), handshakeTimeout }, onConnection);
    // Checked on the bare TCP connection, before the handshake: an address that may not send syslog
    // must neither make the server do handshakes nor hold a place under maxConnections during one.
    tlsServer.prependListener('connection', (socket: Socket) => void admitted(deps, socket));
    // A handshake that fails or times out is only reported here; without this the socket stays open.
    tlsServer.on('tlsClientError', (error: Error, socket: Socket) => {
      deps.logger.debug({ err: error, remoteAddress: socket.remoteAddress }, 'syslog TLS handshake failed');
      socket.destroy();
    });
    stopTlsReload = reloadTlsOnChange(tlsServer, options.tls, deps.logger, options.tlsReloadIntervalMs);
    server = tlsServer;
  }
  server.maxConnections = options.maxConnections;
  server.on('error', (error) => deps.logger.error({ err: error }, 'syslog TCP server error'));
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      stopTlsReload();
      reject(listenProblem(error, { host: options.host, port: options.port, hostVariable: 'VIGIL_SYSLOG_HOST', portVariable: 'VIGIL_SYSLOG_TCP_PORT' }));
    };
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    close: async () => {
      stopTlsReload();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of connections) socket.end();
      // Give senders a moment to finish; then cut whatever is left.
      const timer = setTimeout(() => connections.forEach((s) => s.destroy()), 1000);
      await closed;
      clearTimeout(timer);
    },
  };
}
