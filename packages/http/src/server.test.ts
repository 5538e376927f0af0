import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { get as httpsGet } from 'node:https';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { deflateSync, gzipSync } from 'node:zlib';
import { VigilError } from '@vigil/contract';
import { createLogger, createTelemetry } from '@vigil/telemetry';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { readBody } from './read-body';
import { sendJson } from './send-json';
import { VigilHttpServer } from './server';
import type { VigilHttpServerOptions } from './server';
import { TEST_TLS, TEST_TLS_RENEWED } from '../../../test/support/tls';
import { capturedLogger } from '../../../test/support/captured-logger';
import { waitFor } from '../../../test/support/wait-for';

const LIMITS = { maxBytes: 64 * 1024, maxDecompressedBytes: 1024 * 1024 };
const running: VigilHttpServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(options: Partial<VigilHttpServerOptions> = {}, configure: (server: VigilHttpServer) => void = () => {}) {
  const { logger, text } = capturedLogger('http-test');
  const telemetry = createTelemetry('http-test');
  const server = new VigilHttpServer({ host: '127.0.0.1', port: 0, logger, telemetry, ...options });
  server.route('POST', '/echo', async (req, res) => {
    const body = await readBody(req, LIMITS);
    sendJson(res, 200, { bytes: body.length, text: body.subarray(0, 100).toString('utf8') });
  });
  configure(server);
  running.push(server);
  const { port } = await server.listen();
  return { server, telemetry, base: `http://127.0.0.1:${port}`, logs: text };
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('VigilHttpServer routing', () => {
  it('answers registered routes, giving prefix routes the full URL', async () => {
    const { base } = await start({}, (server) =>
      server.route('GET', '/api/silences/*', (_req, res, url) => sendJson(res, 200, { path: url.pathname, q: url.searchParams.get('q') })),
    );
    const response = await fetch(`${base}/api/silences/abc?q=1`);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ path: '/api/silences/abc', q: '1' });
  });

  it('answers unknown paths with a JSON 404', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/wp-admin`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await json(response)).toMatchObject({ error: 'not_found' });
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/echo`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('serves /healthz openly', async () => {
    const { base } = await start({ metricsTokens: ['m'] });
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: 'ok' });
  });
});

describe('VigilHttpServer readiness', () => {
  it('answers /readyz with 200 when every check passes', async () => {
    const { base } = await start({}, (server) => server.addReadinessCheck('kafka', () => true));
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: 'ready' });
  });

  it('answers /readyz with 503 and the reason of each failing check', async () => {
    const { base } = await start({}, (server) => {
      server.addReadinessCheck('kafka', () => 'producer not connected');
      server.addReadinessCheck('state', () => true);
      server.addReadinessCheck('broken', () => {
        throw new Error('internal detail');
      });
    });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await json(response)).toEqual({
      status: 'not_ready',
      reasons: { kafka: 'producer not connected', broken: 'readiness check failed' },
    });
  });
});

describe('VigilHttpServer /metrics', () => {
  it('requires one of the metrics tokens when they are configured', async () => {
    const { base } = await start({ metricsTokens: ['scrape-1', 'scrape-2'] });
    const missing = await fetch(`${base}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);

    const allowed = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-2' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await allowed.text()).toContain('vigil_http_requests_total{route="/metrics",method="GET",status="401"} 2');
  });

  it('answers 429 with Retry-After once one address has failed too often, yet still serves a valid token from it', async () => {
    // One failure a minute refills too slowly to matter within a test; nothing here depends on timing.
    const { base, logs } = await start({ metricsTokens: ['scrape-1'], authFailureLimit: { perMinute: 1, burst: 2 } });
    const wrong = { authorization: 'Bearer guess-123' };
    expect((await fetch(`${base}/metrics`, { headers: wrong })).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const limited = await fetch(`${base}/metrics`, { headers: wrong });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${base}/metrics`)).status).toBe(429);

    const allowed = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-1' } });
    expect(allowed.status).toBe(200);
    const text = await allowed.text();
    expect(text).toContain('vigil_http_auth_failures_limited_total 2');
    expect(text).toContain('vigil_http_requests_total{route="/metrics",method="GET",status="429"} 2');
    expect(logs()).toContain('refused with 429');
    expect(logs()).not.toContain('guess-123');
  });

  it('never counts requests with a valid token against the address', async () => {
    const { base } = await start({ metricsTokens: ['scrape-1'], authFailureLimit: { perMinute: 1, burst: 1 } });
    for (let i = 0; i < 5; i += 1) {
      expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-1' } })).status).toBe(200);
    }
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(429);
  });

  it('is open when no tokens are configured and counts requests by route pattern', async () => {
    const { base } = await start();
    await fetch(`${base}/healthz`);
    await fetch(`${base}/no/such/path`);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('vigil_http_requests_total{route="/healthz",method="GET",status="200"} 1');
    expect(text).toContain('vigil_http_requests_total{route="unmatched",method="GET",status="404"} 1');
  });
});

describe('VigilHttpServer error mapping', () => {
  function throwing(error: unknown) {
    return (server: VigilHttpServer) =>
      server.route('POST', '/fail', () => {
        throw error;
      });
  }

  it('answers backpressure with 503 and Retry-After from the error', async () => {
    const { base } = await start({}, throwing(new VigilError('VIGIL_BACKPRESSURE', 'Kafka is slow; retry', { details: { retryAfterSeconds: 3 } })));
    const response = await fetch(`${base}/fail`, { method: 'POST' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await json(response)).toEqual({ error: 'VIGIL_BACKPRESSURE', message: 'Kafka is slow; retry' });
  });

  it('answers rate limiting with 429 and Retry-After, and a missing token with 401', async () => {
    const limited = await start({}, throwing(new VigilError('VIGIL_RATE_LIMITED', 'slow down', { details: { retryAfterSeconds: 2 } })));
    const response = await fetch(`${limited.base}/fail`, { method: 'POST' });
    expect([response.status, response.headers.get('retry-after')]).toEqual([429, '2']);
    const unauthorized = await start({}, throwing(new VigilError('VIGIL_UNAUTHORIZED', 'token needed')));
    expect((await fetch(`${unauthorized.base}/fail`, { method: 'POST' })).status).toBe(401);
  });

  it('answers an unexpected error with a bare 500 and logs it server-side', async () => {
    const { base, logs } = await start({}, throwing(new Error('connect ECONNREFUSED 10.1.2.3:9092')));
    const response = await fetch(`${base}/fail`, { method: 'POST' });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('10.1.2.3');
    expect(logs()).toContain('10.1.2.3');
  });
});

describe('VigilHttpServer request bodies', () => {
  it('reads a plain body', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/echo`, { method: 'POST', body: 'hello' });
    expect(await json(response)).toEqual({ bytes: 5, text: 'hello' });
  });

  it('decodes gzip, x-gzip and deflate bodies', async () => {
    const { base } = await start();
    const line = '127.0.0.1 - - "GET / HTTP/1.1" 200\n'.repeat(100);
    for (const [encoding, body] of [
      ['gzip', gzipSync(line)],
      ['x-gzip', gzipSync(line)],
      ['deflate', deflateSync(line)],
    ] as const) {
      const response = await fetch(`${base}/echo`, { method: 'POST', body, headers: { 'content-encoding': encoding } });
      expect(await json(response)).toMatchObject({ bytes: line.length });
    }
  });

  it('rejects a declared Content-Length over the limit with 413', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/echo`, { method: 'POST', body: Buffer.alloc(LIMITS.maxBytes + 1, 'a') });
    expect(response.status).toBe(413);
    expect(await json(response)).toMatchObject({ error: 'VIGIL_INPUT_TOO_LARGE' });
  });

  it('rejects a chunked body that grows past the limit with 413', async () => {
    const { base } = await start();
    const chunk = new Uint8Array(16 * 1024).fill(97);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > LIMITS.maxBytes * 2) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${base}/echo`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('rejects a gzip bomb with 413 without inflating it into memory', async () => {
    const { base } = await start();
    // Gzip members may be concatenated: 100 copies of 10 MB of zeros is about 1 MB on the wire
    // and would inflate to 1 GB if the reader did not stop at maxDecompressedBytes.
    const tenMegabytesOfZeros = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 100 }, () => tenMegabytesOfZeros));
    const bombServer = await start({}, (server) =>
      server.route('POST', '/bomb', async (req, res) => {
        const body = await readBody(req, { maxBytes: bomb.length, maxDecompressedBytes: 1024 * 1024 });
        sendJson(res, 200, { bytes: body.length });
      }),
    );
    const memoryBefore = process.memoryUsage().rss;
    const response = await fetch(`${bombServer.base}/bomb`, { method: 'POST', body: bomb, headers: { 'content-encoding': 'gzip' } });
    expect(response.status).toBe(413);
    expect(await json(response)).toMatchObject({ message: 'decompressed request body exceeds the limit of 1048576 bytes' });
    expect(process.memoryUsage().rss - memoryBefore).toBeLessThan(256 * 1024 * 1024);
    // The server still answers afterwards.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers an unsupported Content-Encoding with 415 and corrupt gzip with 400', async () => {
    const { base } = await start();
    const brotli = await fetch(`${base}/echo`, { method: 'POST', body: 'x', headers: { 'content-encoding': 'br' } });
    expect(brotli.status).toBe(415);
    const corrupt = await fetch(`${base}/echo`, { method: 'POST', body: 'not gzip at all', headers: { 'content-encoding': 'gzip' } });
    expect(corrupt.status).toBe(400);
    expect(await json(corrupt)).toMatchObject({ error: 'VIGIL_CONTRACT_INVALID' });
  });
});

describe('VigilHttpServer close', () => {
  it('waits for in-flight requests, then refuses new connections', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let markStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const { server, base } = await start({}, (s) =>
      s.route('GET', '/slow', async (_req, res) => {
        markStarted();
        await released;
        sendJson(res, 200, { done: true });
      }),
    );
    const inFlight = fetch(`${base}/slow`);
    await started;
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ done: true });
    await closing;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('closes idle keep-alive connections instead of waiting for their timeout', async () => {
    const { server, base } = await start({ keepAliveTimeoutMs: 60_000 });
    const port = Number(new URL(base).port);
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/healthz', headers: { connection: 'keep-alive' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    await server.close();
  });
});

const VARIABLES = { certVariable: 'VIGIL_HTTP_TLS_CERT_FILE', keyVariable: 'VIGIL_HTTP_TLS_KEY_FILE' };
const BOTH_CAS = [readFileSync(TEST_TLS.certFile), readFileSync(TEST_TLS_RENEWED.certFile)];

/** GET /healthz over a new TLS connection, trusting either test certificate: the status and the certificate served. */
function getOverTls(port: number): Promise<{ status: number | undefined; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    httpsGet({ host: '127.0.0.1', port, path: '/healthz', ca: BOTH_CAS, agent: false }, (res) => {
      const { fingerprint256 } = (res.socket as TLSSocket).getPeerCertificate();
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode, body, fingerprint: fingerprint256 }));
    }).on('error', reject);
  });
}

function fingerprintOf(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).fingerprint256;
}

describe('VigilHttpServer over TLS', () => {
  it('serves HTTPS with the configured certificate and key files', async () => {
    const { base } = await start({ tls: { ...TEST_TLS, ...VARIABLES } });
    const answer = await getOverTls(Number(new URL(base).port));
    expect(answer).toEqual({ status: 200, body: '{"status":"ok"}', fingerprint: fingerprintOf(TEST_TLS.certFile) });
  });

  it('serves a renewed certificate without a restart, and keeps the last good one while the files do not load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
    const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), ...VARIABLES };
    copyFileSync(TEST_TLS.certFile, files.certFile);
    copyFileSync(TEST_TLS.keyFile, files.keyFile);
    const { base, logs } = await start({ tls: files, tlsReloadIntervalMs: 20 });
    const port = Number(new URL(base).port);
    expect((await getOverTls(port)).fingerprint).toBe(fingerprintOf(TEST_TLS.certFile));

    // Half-way through a renewal: the new key beside the old certificate. They do not match.
    copyFileSync(TEST_TLS_RENEWED.keyFile, files.keyFile);
    await waitFor(() => logs().includes('still serving the previous certificate'), { timeoutMs: 5000, message: 'the warning' });
    expect(await getOverTls(port)).toMatchObject({ status: 200, fingerprint: fingerprintOf(TEST_TLS.certFile) });

    copyFileSync(TEST_TLS_RENEWED.certFile, files.certFile);
    const renewed = fingerprintOf(TEST_TLS_RENEWED.certFile);
    await waitFor(async () => (await getOverTls(port)).fingerprint === renewed, { timeoutMs: 5000, message: 'the renewed certificate' });
    expect(logs()).toContain('TLS certificate reloaded');
    expect(logs()).not.toContain('PRIVATE KEY');
  });

  it('refuses to start on files that cannot be read or do not belong together, naming the variables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
    const missing = { certFile: join(dir, 'nope.crt'), keyFile: TEST_TLS.keyFile, ...VARIABLES };
    await expect(start({ tls: missing })).rejects.toThrow(/VIGIL_HTTP_TLS_CERT_FILE names a file that cannot be read \(ENOENT/);
    const mismatched = { certFile: TEST_TLS.certFile, keyFile: TEST_TLS_RENEWED.keyFile, ...VARIABLES };
    await expect(start({ tls: mismatched })).rejects.toThrow(/VIGIL_HTTP_TLS_CERT_FILE and VIGIL_HTTP_TLS_KEY_FILE must name a PEM certificate and its own private key/);
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    await expect(start({ tls: { ...mismatched, keyFile: notPem } })).rejects.toMatchObject({ code: 'VIGIL_CONFIG_INVALID' });
  });
});

describe('VigilHttpServer slow clients', () => {
  /** Resolves once the server closed the socket; a socket it keeps open makes the test time out. */
  function closedByServer(socket: Socket): Promise<void> {
    return new Promise((resolve) => {
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });
  }

  function openTcp(port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.on('error', reject);
      onTestFinished(() => void socket.destroy());
    });
  }

  it('closes a connection that sends no request within the headers timeout', async () => {
    const { base } = await start({ headersTimeoutMs: 200 });
    const silent = await openTcp(Number(new URL(base).port));
    await closedByServer(silent);
    expect(silent.bytesRead).toBe(0);
  });

  it('does not cut a request whose answer takes longer than the headers timeout', async () => {
    let answer: () => void = () => {};
    let started: () => void = () => {};
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const { base } = await start({ headersTimeoutMs: 200 }, (server) =>
      server.route('GET', '/slow', async (_req, res) => {
        started();
        await new Promise<void>((resolve) => (answer = resolve));
        sendJson(res, 200, { done: true });
      }),
    );
    const slow = fetch(`${base}/slow`);
    await handlerStarted;
    // A silent connection opened after the request arrived: once the server closed it, the
    // request's connection has outlived the headers timeout too.
    await closedByServer(await openTcp(Number(new URL(base).port)));
    answer();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ done: true });
  });

  it('closes a TLS connection that stops inside the handshake, or sends no request after it', async () => {
    const { base } = await start({ headersTimeoutMs: 200, tls: { ...TEST_TLS, ...VARIABLES } });
    const port = Number(new URL(base).port);
    const noHandshake = await openTcp(port);
    await closedByServer(noHandshake);
    expect(noHandshake.bytesRead).toBe(0);

    const handshaken = await new Promise<TLSSocket>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, ca: BOTH_CAS }, () => resolve(socket));
      socket.on('error', reject);
      onTestFinished(() => void socket.destroy());
    });
    await closedByServer(handshaken);
  });
});

describe('VigilHttpServer connection limit', () => {
  it('closes connections past the limit on arrival, counts them and warns, and serves again once one closes', async () => {
    const { base, logs } = await start({ maxConnections: 2, closeGraceMs: 200 });
    const port = Number(new URL(base).port);
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => resolve(socket));
        socket.on('error', reject);
      });
    const held = [await open(), await open()];
    onTestFinished(() => held.forEach((socket) => socket.destroy()));
    const third = await open();
    // The server closes it without reading or answering anything.
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      third.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      third.on('error', () => resolve(text));
      third.on('close', () => resolve(text));
      third.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(answer).toBe('');
    await waitFor(() => logs().includes('VIGIL_HTTP_MAX_CONNECTIONS'), { timeoutMs: 5000, message: 'the warning' });

    held[0]?.destroy();
    // Until the server has seen that close, a new connection is over the limit too (and counted).
    const metrics = await waitFor(
      async () => {
        const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(1000) });
        return response.status === 200 ? response.text() : undefined;
      },
      { timeoutMs: 5000, message: 'a served /metrics once a connection closed' },
    );
    expect(Number(/^vigil_http_connections_dropped_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    held[1]?.destroy();
  });
});

describe('VigilHttpServer connection limit per address', () => {
  it('closes connections past the limit from one address on arrival, while other addresses are served', async () => {
    const { base, logs } = await start({ maxConnections: 10, maxConnectionsPerAddress: 2, closeGraceMs: 200 });
    const port = Number(new URL(base).port);
    const open = (localAddress: string): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket));
        socket.on('error', reject);
      });
    const held = [await open('127.0.0.1'), await open('127.0.0.1')];
    onTestFinished(() => held.forEach((socket) => socket.destroy()));
    const third = await open('127.0.0.1');
    const closedUnanswered = new Promise<string>((resolve) => {
      let text = '';
      third.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      third.on('error', () => resolve(text));
      third.on('close', () => resolve(text));
      third.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(await closedUnanswered).toBe('');
    await waitFor(() => logs().includes('VIGIL_HTTP_MAX_CONNECTIONS_PER_ADDRESS'), { timeoutMs: 5000, message: 'the warning' });

    // Another loopback address has places of its own.
    const other = await open('127.0.0.2');
    held.push(other);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      other.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('"status":"ok"')) resolve(text);
      });
      other.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);

    // A place freed by a close is taken again.
    held[0]?.destroy();
    await waitFor(
      async () => (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.status === 200,
      { timeoutMs: 5000, message: 'a served request once a connection from the address closed' },
    );
  });
});

describe('VigilHttpServer listen', () => {
  it('explains a port that is in use with the variable to change', async () => {
    const { base } = await start();
    const port = Number(new URL(base).port);
    const second = new VigilHttpServer({
      host: '127.0.0.1',
      port,
      logger: createLogger({ name: 'http-test', level: 'silent' }),
      telemetry: createTelemetry('http-test'),
    });
    await expect(second.listen()).rejects.toMatchObject({
      code: 'VIGIL_CONFIG_INVALID',
      message: expect.stringMatching(/^VIGIL_HTTP_PORT: port \d+ on 127\.0\.0\.1 is in use; .*e\.g\. VIGIL_HTTP_PORT=/),
    });
  });

  it('explains an address this machine does not have with VIGIL_HTTP_HOST', async () => {
    // 192.0.2.0/24 is TEST-NET-1: documentation only, never a local address.
    const elsewhere = new VigilHttpServer({
      host: '192.0.2.7',
      port: 0,
      logger: createLogger({ name: 'http-test', level: 'silent' }),
      telemetry: createTelemetry('http-test'),
    });
    await expect(elsewhere.listen()).rejects.toMatchObject({
      code: 'VIGIL_CONFIG_INVALID',
      message: expect.stringMatching(/^VIGIL_HTTP_HOST: 192\.0\.2\.7 is not an address of this machine; .*e\.g\. VIGIL_HTTP_HOST=0\.0\.0\.0/),
    });
  });
});
