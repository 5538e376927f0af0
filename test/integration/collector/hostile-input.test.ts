// Hostile input against the running collector: every request gets a clean answer, bad lines become
// counted rejections, and the collector keeps serving afterwards.

import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaBrokers } from '../../support/kafka';
import { waitFor } from '../../support/wait-for';
import { INGEST_TOKEN, collectorTestEnv, nginxLine, startTestCollector, type TestCollector } from './collector-harness';

let collector: TestCollector;

beforeAll(async () => {
  collector = await startTestCollector(
    collectorTestEnv(kafkaBrokers(), {
      VIGIL_INGEST_MAX_BODY_BYTES: String(2 * 1024 * 1024),
      VIGIL_INGEST_MAX_DECOMPRESSED_BYTES: String(4 * 1024 * 1024),
      VIGIL_SYSLOG_TCP_PORT: '0',
    }),
  );
});
afterAll(async () => {
  await collector.stop();
});

async function rawPost(body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(`${collector.url}/v1/logs`, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

describe('hostile input to the collector', () => {
  it('refuses a missing or wrong token with 401 and never echoes the token', async () => {
    const missing = await rawPost(nginxLine('/a'), {});
    const wrong = await rawPost(nginxLine('/a'), { authorization: 'Bearer not-the-token-XYZ' });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.stringify(wrong.json)).not.toContain('not-the-token-XYZ');
  });

  it('refuses a wrong Firehose access key in the Firehose response shape', async () => {
    const response = await rawPost('{}', { 'x-amz-firehose-request-id': 'fh-1', 'x-amz-firehose-access-key': 'wrong' });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ requestId: 'fh-1', timestamp: expect.any(Number), errorMessage: expect.stringMatching(/token/) });
  });

  it('answers a malformed Firehose envelope with 400 and an errorMessage', async () => {
    const response = await rawPost('{"records": "nope"}', { 'x-amz-firehose-request-id': 'fh-2', 'x-amz-firehose-access-key': INGEST_TOKEN });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ requestId: 'fh-2', errorMessage: expect.stringMatching(/requestId/) });
  });

  it('stops a gzip bomb at the decompression limit with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x61));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const response = await collector.post(bomb, { headers: { 'content-encoding': 'gzip' } });
    expect(response.status).toBe(413);
    expect(response.json).toMatchObject({ error: 'VIGIL_INPUT_TOO_LARGE' });
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await collector.post(Buffer.alloc(3 * 1024 * 1024, 0x61));
    expect(response.status).toBe(413);
  });

  it('rejects a 1 MB line, invalid UTF-8 and malformed JSON as counted rejections while keeping good lines', async () => {
    const body = Buffer.concat([
      Buffer.from(`${nginxLine('/hostile/good-1')}\n`),
      Buffer.alloc(1024 * 1024, 0x62),
      Buffer.from('\n'),
      Buffer.from([0x31, 0xff, 0xfe, 0x32, 0x0a]),
      Buffer.from('{"status": 200, "broken":\n'),
      Buffer.from(`${nginxLine('/hostile/good-2')}\n`),
    ]);
    const response = await collector.post(body);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ accepted: 2, rejected: 3 });
    expect(response.json.rejectedByReason).toMatchObject({ line_too_long: 1, invalid_utf8: 1 });
    await waitFor(() => collector.rejected.some((r) => r.reason === 'line_too_long'), { message: 'the long line on rejected.v1' });
    const tooLong = collector.rejected.find((r) => r.reason === 'line_too_long');
    expect(tooLong?.sample.length).toBeLessThanOrEqual(1024);
  });

  it('reads a gzip file sent as the body without Content-Encoding, and refuses a broken one with 400', async () => {
    const file = gzipSync(`${nginxLine('/hostile/gz-1')}\n${nginxLine('/hostile/gz-2')}\n`);
    expect(await collector.post(file)).toMatchObject({ status: 200, json: { accepted: 2, rejected: 0 } });
    const broken = await collector.post(file.subarray(0, file.length - 12));
    expect(broken.status).toBe(400);
    expect(broken.json.message).toMatch(/starts like a gzip file but does not inflate/);
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x61));
    expect((await collector.post(bomb)).status).toBe(413);
  });

  it('counts a request whose path held raw non-UTF-8 bytes, as vigil parse does', async () => {
    // Worms send such paths and old Apache logs them raw: still a request the client made.
    const [head, tail] = nginxLine('/hostile/RAW').split('RAW') as [string, string];
    const body = Buffer.concat([Buffer.from(head), Buffer.from([0x90, 0x02, 0xb1, 0xff]), Buffer.from(`${tail}\n1`), Buffer.from([0xff]), Buffer.from('2\n')]);
    const response = await collector.post(body);
    expect(response.json).toMatchObject({ accepted: 1, rejected: 1, rejectedByReason: { invalid_utf8: 1 } });
  });

  it('rejects a JSON record nested thousands deep on its own, in NDJSON and in a JSON array', async () => {
    // JSON.parse reads any depth; serializing the record for its rejected.v1 sample used to throw
    // and fail the whole batch with a 500, which shippers retry for ever.
    const deep = `{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const ndjson = await collector.post(`${nginxLine('/hostile/deep-1')}\n${deep}\n${nginxLine('/hostile/deep-2')}\n`);
    expect(ndjson.status).toBe(200);
    expect(ndjson.json).toMatchObject({ accepted: 2, rejected: 1 });
    const array = await collector.post(`[${deep}, ${'['.repeat(20_000)}${']'.repeat(20_000)}]`, { headers: { 'content-type': 'application/json' } });
    expect(array.status).toBe(200);
    expect(array.json).toMatchObject({ accepted: 0, rejected: 2 });
    await waitFor(() => collector.rejected.some((r) => r.sample.includes('nested too deeply')), { message: 'the deep record on rejected.v1' });
  });

  it('answers an unknown format and an unsupported encoding with clean client errors', async () => {
    expect((await collector.post(nginxLine('/x'), { query: '?format=%3Cscript%3E' })).status).toBe(400);
    expect((await collector.post(nginxLine('/x'), { headers: { 'content-encoding': 'br' } })).status).toBe(415);
  });

  it('handles fuzzed bodies with a count for every line and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary', maxLength: 200 }), { maxLength: 20 }), async (lines) => {
        const response = await collector.post(lines.join('\n'));
        expect(response.status).toBe(200);
        expect(typeof response.json.accepted).toBe('number');
      }),
      { numRuns: 40 },
    );
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);
  });

  it('closes the connection after refusing a request whose body it did not read', async () => {
    // Kept open, such a connection lasted the whole request timeout: a cheap way to hold many.
    const url = new URL(collector.url);
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    const ended = new Promise<void>((resolve) => socket.on('end', () => resolve()));
    socket.on('error', () => undefined);
    socket.write('POST /v1/logs HTTP/1.1\r\nHost: vigil\r\nContent-Length: 10000000\r\n\r\nthe start of a body');
    await ended;
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('rejects an over-long octet-counted syslog message and keeps reading that connection', async () => {
    const port = collector.collector.syslog.tcp?.port ?? 0;
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const tooLong = `<13>${nginxLine(`/hostile/too-long/${'a'.repeat(70_000)}`)}`;
    const after = `<190>Nov 27 21:36:00 web nginx: ${nginxLine('/hostile/after-too-long')}`;
    socket.end(`${tooLong.length} ${tooLong}${after.length} ${after}`);
    await waitFor(() => collector.events.some((e) => e.request.path === '/hostile/after-too-long'), { message: 'the line after the over-long one' });
    await waitFor(() => collector.rejected.some((r) => r.source === 'syslog-tcp' && r.reason === 'line_too_long'), { message: 'the line_too_long rejection' });
  });

  it('limits each token\'s request rate with 429 and Retry-After', async () => {
    const limited = await startTestCollector(collectorTestEnv(kafkaBrokers(), { VIGIL_INGEST_RATE_PER_SECOND: '1', VIGIL_INGEST_BURST: '2' }));
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i++) {
        const response = await limited.post(nginxLine(`/rate/${i}`));
        statuses.push(response.status);
        if (response.status === 429) retryAfter = response.headers.get('retry-after');
      }
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.stop();
    }
  });
});
