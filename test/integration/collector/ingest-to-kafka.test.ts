// Every input of the collector, end to end on the real broker: what goes in comes out on events.v1.

import { createSocket } from 'node:dgram';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaBrokers } from '../../support/kafka';
import { TEST_TLS } from '../../support/tls';
import { waitFor } from '../../support/wait-for';
import { INGEST_TOKEN, collectorTestEnv, nginxLine, startTestCollector, type TestCollector } from './collector-harness';

const FIXTURES = new URL('../../../../shared/fixtures/real-logs/', import.meta.url);
const fixture = (path: string) => readFileSync(new URL(path, FIXTURES), 'utf8');

let running: TestCollector[] = [];
let tempDirs: string[] = [];
afterEach(async () => {
  for (const collector of running) await collector.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  running = [];
  tempDirs = [];
});

async function start(overrides: Record<string, string> = {}, stdin?: PassThrough): Promise<TestCollector> {
  const collector = await startTestCollector(collectorTestEnv(kafkaBrokers(), overrides), stdin === undefined ? {} : { stdin });
  running.push(collector);
  return collector;
}

const paths = (collector: TestCollector) => collector.events.map((e) => e.request.path);

describe('collector inputs end up as events on Kafka', () => {
  it('accepts gzip NDJSON over HTTP, answers with counts, and publishes good lines and rejections', async () => {
    const collector = await start();
    const apiGateway = fixture('aws-apigateway/elastic-integrations/test-apigateway.log').split('\n')[0] as string;
    const body = [nginxLine('/ndjson/1'), apiGateway, nginxLine('/ndjson/2'), 'this is not an access log'].join('\n');
    const response = await collector.post(gzipSync(body), { headers: { 'content-encoding': 'gzip', 'content-type': 'application/x-ndjson' } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ accepted: 3, rejected: 1, rejectedByReason: { unknown_format: 1 } });
    // A 2xx means the events were already in Kafka: they are readable now.
    await waitFor(() => collector.events.length === 3 && collector.rejected.length === 1, { message: 'events and rejection on the topics' });
    expect(paths(collector)).toEqual(expect.arrayContaining(['/ndjson/1', '/ndjson/2', '/']));
    expect(collector.rejected[0]).toMatchObject({ reason: 'unknown_format', source: 'http', sample: 'this is not an access log' });
  });

  it('takes a rotated VIGIL_INGEST_TOKENS_FILE without a restart, and keeps the tokens when the file is emptied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-tokens-'));
    tempDirs.push(dir);
    const file = join(dir, 'ingest-tokens');
    writeFileSync(file, 'ing-old-1\n');
    const collector = await startTestCollector(collectorTestEnv(kafkaBrokers(), { VIGIL_INGEST_TOKENS: '', VIGIL_INGEST_TOKENS_FILE: file }), {
      tokenFileCheckMs: 20,
    });
    running.push(collector);
    const status = async (token: string) => (await collector.post(nginxLine('/rotated'), { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await status('ing-old-1')).toBe(200);
    expect(await status('ing-new-2')).toBe(401);

    writeFileSync(file, 'ing-old-1\ning-new-2\n');
    await waitFor(async () => (await status('ing-new-2')) === 200, { timeoutMs: 5000, message: 'the added token accepted' });
    writeFileSync(file, 'ing-new-2\n');
    await waitFor(async () => (await status('ing-old-1')) === 401, { timeoutMs: 5000, message: 'the retired token refused' });
    writeFileSync(file, '');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await status('ing-new-2')).toBe(200);
  });

  it('publishes a request of 40 000 lines from one client, keeping every Kafka batch under the broker limit', async () => {
    const collector = await start();
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(nginxLine(`/bulk/${i}`), `garbage line number ${i} that no format knows`);
    const response = await collector.post(gzipSync(lines.join('\n')), { headers: { 'content-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ accepted: 20_000, rejected: 20_000 });
    await waitFor(() => collector.events.length === 20_000 && collector.rejected.length === 20_000, { timeoutMs: 60_000, message: 'all bulk events and rejections' });
    expect(collector.events.map((e) => e.request.path).slice(0, 3)).toEqual(['/bulk/0', '/bulk/1', '/bulk/2']);
  }, 120_000);

  it('takes a Kong http-log payload unchanged', async () => {
    const collector = await start();
    const response = await collector.post(fixture('kong/kong-docs/log-format-gte-3.4.json'), { headers: { 'content-type': 'application/json' } });
    expect(response.json).toMatchObject({ accepted: 1, rejected: 0 });
    await waitFor(() => collector.events.length === 1, { message: 'the Kong event' });
    expect(collector.events[0]).toMatchObject({ gateway: 'kong', client: { id: 'ae974d6c-0f8a-4dc5-b701-fa0aa38592bd' }, request: { path: '/log' } });
  });

  it('speaks the Kinesis Firehose HTTP endpoint protocol with gzip\'d CloudWatch Logs records', async () => {
    const collector = await start();
    const lines = fixture('aws-apigateway/elastic-integrations/test-apigateway.log').split('\n').filter((l) => l.trim() !== '');
    const cloudWatch = (messageType: string, messages: string[]) =>
      gzipSync(JSON.stringify({ messageType, owner: '123456789012', logGroup: 'api-gw', logStream: 's', subscriptionFilters: ['f'], logEvents: messages.map((message, i) => ({ id: String(i), timestamp: 1, message })) })).toString('base64');
    const envelope = {
      requestId: 'fh-req-1',
      timestamp: Date.now(),
      records: [{ data: cloudWatch('CONTROL_MESSAGE', ['CWL CONTROL MESSAGE: Checking health of destination Firehose.']) }, { data: cloudWatch('DATA_MESSAGE', lines) }],
    };
    const response = await fetch(`${collector.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amz-firehose-request-id': 'fh-req-1', 'x-amz-firehose-access-key': INGEST_TOKEN },
      body: JSON.stringify(envelope),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as Record<string, unknown>;
    expect(answer).toEqual({ requestId: 'fh-req-1', timestamp: expect.any(Number) });
    await waitFor(() => collector.events.length + collector.rejected.length === lines.length, { message: 'every API Gateway line on a topic' });
    expect(collector.events.length).toBeGreaterThan(0);
    expect(collector.events.every((e) => e.gateway === 'aws-apigateway')).toBe(true);
  });

  it('reads a CloudWatch Logs subscription payload POSTed as it is, as a forwarding Lambda sends it', async () => {
    const collector = await start();
    const lines = fixture('aws-apigateway/elastic-integrations/test-apigateway.log').split('\n').filter((l) => l.trim() !== '');
    const data = gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logGroup: 'api-gw', logEvents: lines.map((message, i) => ({ id: String(i), timestamp: 1, message })) }));
    const response = await collector.post(JSON.stringify({ awslogs: { data: data.toString('base64') } }), { headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ accepted: lines.length, rejected: 0 });
    await waitFor(() => collector.events.length === lines.length, { message: 'every API Gateway line on the events topic' });
    expect(collector.events.every((e) => e.gateway === 'aws-apigateway')).toBe(true);
  }, 120_000);

  it('receives syslog over UDP and over TCP with both framings', async () => {
    const collector = await start({ VIGIL_SYSLOG_UDP_PORT: '0', VIGIL_SYSLOG_TCP_PORT: '0' });
    const { udp, tcp } = collector.collector.syslog;
    const udpSocket = createSocket('udp4');
    await new Promise<void>((resolve, reject) =>
      udpSocket.send(`<190>Nov 27 21:36:00 web-1 nginx: ${nginxLine('/syslog/udp')}`, udp?.port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
    udpSocket.close();
    const tcpSocket = connect(tcp?.port ?? 0, '127.0.0.1');
    const counted = `<134>1 2025-11-27T21:36:00Z web-2 nginx - - - ${nginxLine('/syslog/tcp/counted')}`;
    tcpSocket.end(`<190>Nov 27 21:36:00 web-2 nginx: ${nginxLine('/syslog/tcp/newline')}\n${Buffer.byteLength(counted)} ${counted}`);
    await waitFor(() => collector.events.length === 3, { message: 'three syslog events' });
    expect(paths(collector).sort()).toEqual(['/syslog/tcp/counted', '/syslog/tcp/newline', '/syslog/udp']);
  });

  it('receives syslog over TLS on the TCP port when a certificate is configured', async () => {
    const collector = await start({ VIGIL_SYSLOG_TCP_PORT: '0', VIGIL_SYSLOG_TLS_CERT_FILE: TEST_TLS.certFile, VIGIL_SYSLOG_TLS_KEY_FILE: TEST_TLS.keyFile });
    const socket = connectTls({ host: '127.0.0.1', port: collector.collector.syslog.tcp?.port ?? 0, ca: readFileSync(TEST_TLS.certFile) });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    socket.end(`<190>Nov 27 21:36:00 web-3 nginx: ${nginxLine('/syslog/tls')}\n`);
    await waitFor(() => collector.events.length === 1, { message: 'the line sent over TLS' });
    expect(paths(collector)).toEqual(['/syslog/tls']);
  });

  it('follows a file across a rename rotation without losing or repeating lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-collector-file-'));
    tempDirs.push(dir);
    const log = join(dir, 'access.log');
    writeFileSync(log, `${nginxLine('/file/1')}\n`);
    const collector = await start({ VIGIL_FILES: log, VIGIL_FILE_STATE_DIR: join(dir, 'state'), VIGIL_FILE_START_AT: 'beginning', VIGIL_FILE_POLL_MS: '20' });
    await waitFor(() => collector.events.length === 1, { message: 'the first file line' });
    appendFileSync(log, `${nginxLine('/file/2')}\n`);
    renameSync(log, `${log}.1`);
    writeFileSync(log, `${nginxLine('/file/3')}\n`);
    await waitFor(() => collector.events.length === 3, { message: 'lines from before and after the rotation' });
    expect(paths(collector)).toEqual(['/file/1', '/file/2', '/file/3']);
    // Offsets are saved once Kafka acknowledged: the new file's inode is in the state file.
    const savedPaths = () =>
      Object.values((JSON.parse(readFileSync(join(dir, 'state', 'file-offsets.json'), 'utf8')) as { files: Record<string, { path: string }> }).files).map((f) => f.path);
    await waitFor(() => savedPaths().includes(log), { message: 'the offset of the new file saved' });
  });

  it('resumes a followed file after a graceful restart without losing or re-sending a line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-collector-restart-'));
    tempDirs.push(dir);
    const log = join(dir, 'access.log');
    writeFileSync(log, `${nginxLine('/restart/1')}\n${nginxLine('/restart/2')}\n`);
    const fileEnv = { VIGIL_FILES: log, VIGIL_FILE_STATE_DIR: join(dir, 'state'), VIGIL_FILE_START_AT: 'beginning', VIGIL_FILE_POLL_MS: '20' };
    const first = await start(fileEnv);
    await waitFor(() => first.events.length === 2, { message: 'the lines before the restart' });
    running.splice(running.indexOf(first), 1);
    await first.stop();

    appendFileSync(log, `${nginxLine('/restart/3')}\n`);
    const second = await startTestCollector({ ...first.env });
    running.push(second);
    await waitFor(() => second.events.length >= 3, { message: 'the line written while stopped' });
    // The second reader reads the topic from its start: each line exactly once.
    expect(paths(second).sort()).toEqual(['/restart/1', '/restart/2', '/restart/3']);
  });

  it('reads log lines piped to stdin', async () => {
    const stdin = new PassThrough();
    const collector = await start({ VIGIL_STDIN: 'on' }, stdin);
    stdin.end(`${nginxLine('/stdin/1')}\n${nginxLine('/stdin/2')}`);
    await waitFor(() => collector.events.length === 2, { message: 'both stdin lines' });
    expect(paths(collector)).toEqual(['/stdin/1', '/stdin/2']);
  });
});
