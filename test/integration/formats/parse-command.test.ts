// `vigil parse` driven in-process with real files: events on stdout, rejections and the summary on
// stderr, exit codes.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { validateApiAccessEvent } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { run } from '../../../packages/cli/src/commands/parse';

const FIXTURES = resolve(process.env.VIGIL_FIXTURES_DIR ?? resolve(import.meta.dirname, '../../../../shared/fixtures'));

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function parse(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = collect();
  const err = collect();
  const code = await run(args, { stdout: out.stream, stderr: err.stream, env });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('vigil parse', () => {
  it('prints one valid event per parsed line and a summary with rejections by reason', async () => {
    const file = join(FIXTURES, 'real-logs/nginx/crowdsec-hub/nginx_http-logs/nginx_http-logs.log');
    const { code, stdout, stderr } = await parse([file]);
    expect(code).toBe(0);
    const events = stdout.trim().split('\n').map((l) => validateApiAccessEvent(JSON.parse(l)));
    expect(events).toHaveLength(8);
    expect(stderr).toContain('line 9: not_an_access_log');
    expect(stderr).toMatch(/9 lines, 8 parsed, 1 rejected \(not_an_access_log=1\)/);
    expect(stderr).toMatch(/formats: nginx=8/);
    expect(stderr).toMatch(/lines\/s/);
  });

  it('honours --format and the formats settings from the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-parse-'));
    const file = join(dir, 'custom.log');
    writeFileSync(file, '1.2.3.4|10/Oct/2000:13:55:36 -0700|GET /u/7?token=x HTTP/1.1|200|5\r\nnot a line\n');
    const { code, stdout, stderr } = await parse([file, '--format=nginx-custom'], {
      VIGIL_NGINX_LOG_FORMAT: '$remote_addr|$time_local|$request|$status|$body_bytes_sent',
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ request: { route: '/u/{id}', query: 'token=REDACTED' } });
    expect(stderr).toMatch(/line 2: format_mismatch/);
  });

  it('rejects an over-long line without holding it and carries on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-parse-'));
    const file = join(dir, 'long.log');
    const good = '203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "x"';
    writeFileSync(file, `${'a'.repeat(5000)}\n${good}\n${good}`);
    const { stdout, stderr } = await parse([file], { VIGIL_MAX_LINE_LENGTH: '1000' });
    expect(stdout.trim().split('\n')).toHaveLength(2);
    expect(stderr).toMatch(/line 1: line_too_long/);
    expect(stderr).toMatch(/3 lines, 2 parsed, 1 rejected \(line_too_long=1\)/);
  });

  it('reads a file that is one JSON document as records, as the collector reads such a body', async () => {
    const kong = join(FIXTURES, 'real-logs/kong/kong-docs/log-format-gte-3.4.json');
    const one = await parse([kong]);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ gateway: 'kong', service: 'httpbin.org' });
    expect(one.stderr).toMatch(/1 record of one JSON document, 1 parsed, 0 rejected/);

    const dir = mkdtempSync(join(tmpdir(), 'vigil-parse-'));
    const array = join(dir, 'array.json');
    const record = readFileSync(kong, 'utf8');
    writeFileSync(array, `[\n${record},\n{"not": "a log"},\n${record}\n]\n`);
    const many = await parse([array]);
    expect(many.stdout.trim().split('\n')).toHaveLength(2);
    expect(many.stderr).toMatch(/record 2: \w+/);
    expect(many.stderr).toMatch(/3 records of one JSON document, 2 parsed, 1 rejected/);
  });

  it('reads past a byte order mark: a document stays a document and the first line keeps its address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-parse-'));
    const kong = readFileSync(join(FIXTURES, 'real-logs/kong/kong-docs/log-format-gte-3.4.json'), 'utf8');
    const bom = '\uFEFF';
    const document = join(dir, 'saved-by-windows.json');
    writeFileSync(document, `${bom}[\n${kong},\n${kong}\n]\n`);
    const array = await parse([document]);
    expect(array.stderr).toMatch(/2 records of one JSON document, 2 parsed, 0 rejected/);

    const ndjson = join(dir, 'exported.ndjson');
    const record = '{"ClientHost":"172.17.0.1","DownstreamStatus":200,"RequestMethod":"GET","RequestPath":"/a","StartUTC":"2021-12-08T14:02:43Z"}';
    writeFileSync(ndjson, `${bom}${record}\n${record}\n`);
    expect((await parse([ndjson])).stderr).toMatch(/2 lines, 2 parsed, 0 rejected/);

    const text = join(dir, 'exported.log');
    const line = '203.0.113.9 - - [10/Oct/2024:13:55:36 +0000] "GET /v1/users HTTP/1.1" 200 512 "-" "curl/8.5.0"';
    writeFileSync(text, `${bom}${line}\n${line}\n`);
    const lines = await parse([text]);
    expect(lines.stderr).toMatch(/2 lines, 2 parsed, 0 rejected/);
    const ips = lines.stdout.trim().split('\n').map((l) => validateApiAccessEvent(JSON.parse(l)).client.ip);
    expect(ips).toEqual(['203.0.113.9', '203.0.113.9']);
  });

  it('reads NDJSON, and a document that does not parse, line by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-parse-'));
    const ndjson = join(dir, 'traefik.ndjson');
    const line = '{"ClientHost":"172.17.0.1","DownstreamStatus":200,"RequestMethod":"GET","RequestPath":"/a","StartUTC":"2021-12-08T14:02:43Z"}';
    writeFileSync(ndjson, `${line}\n${line}\n`);
    expect((await parse([ndjson])).stderr).toMatch(/2 lines, 2 parsed, 0 rejected/);

    const broken = join(dir, 'broken.json');
    writeFileSync(broken, `[\n${line},\n${line}\n`);
    const { code, stdout, stderr } = await parse([broken]);
    expect(code).toBe(0);
    // "[" and the line with a trailing comma are rejected; the last line is a whole record.
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/line 1: \w+/);
    expect(stderr).toMatch(/3 lines, 1 parsed, 2 rejected/);
  });

  it('reads the API Gateway lines inside saved CloudWatch Logs and Firehose envelopes, as the collector does', async () => {
    const lines = readFileSync(join(FIXTURES, 'real-logs/aws-apigateway/elastic-integrations/test-apigateway-rest.log'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const gzipped = (messages: string[]) =>
      gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logGroup: 'API-Gateway-Access-Logs', logEvents: messages.map((message, i) => ({ id: String(i), timestamp: 1, message })) })).toString('base64');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-parse-'));
    // What a subscription Lambda receives, pretty-printed as saved from its console.
    const lambdaEvent = join(dir, 'cloudwatch-event.json');
    writeFileSync(lambdaEvent, JSON.stringify({ awslogs: { data: gzipped(lines) } }, null, 2));
    // A Firehose request body, and the same envelopes one per line.
    const firehose = join(dir, 'firehose.json');
    writeFileSync(firehose, JSON.stringify({ requestId: 'r', timestamp: 1, records: [{ data: gzipped(lines.slice(0, 2)) }, { data: gzipped(lines.slice(2)) }] }));
    const ndjson = join(dir, 'events.ndjson');
    writeFileSync(ndjson, `${JSON.stringify({ awslogs: { data: gzipped(lines.slice(0, 1)) } })}\n${JSON.stringify({ awslogs: { data: gzipped(lines.slice(1)) } })}\n`);

    const direct = await parse([join(FIXTURES, 'real-logs/aws-apigateway/elastic-integrations/test-apigateway-rest.log')]);
    const expected = direct.stdout.trim().split('\n');
    expect(expected.length).toBeGreaterThan(0);
    // What Firehose leaves in S3 for a subscription: each record's gzip'd payload, one after another.
    const s3Object = join(dir, 'vigil-1-2025-11-27-21-36-00-uuid.gz');
    const payload = (messages: string[]) => Buffer.from(gzipped(messages), 'base64');
    writeFileSync(s3Object, Buffer.concat([payload(lines.slice(0, 1)), payload(lines.slice(1, 3)), payload(lines.slice(3))]));
    for (const file of [lambdaEvent, firehose, ndjson, s3Object]) {
      const { code, stdout, stderr } = await parse([file]);
      expect(code).toBe(0);
      expect(stdout.trim().split('\n'), file).toEqual(expected);
      expect(stderr).toMatch(new RegExp(`${lines.length} lines, ${expected.length} parsed`));
    }
  });

  it('reads JSON records written back to back as records, and anything less regular as lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-parse-'));
    const record = '{"ClientHost":"172.17.0.1","DownstreamStatus":200,"RequestMethod":"GET","RequestPath":"/a {b} \\"c","StartUTC":"2021-12-08T14:02:43Z"}';
    const joined = join(dir, 'joined.json');
    writeFileSync(joined, `${record}${record}\n ${record}`);
    const ok = await parse([joined]);
    expect(ok.stdout.trim().split('\n')).toHaveLength(3);
    expect(ok.stderr).toMatch(/3 records of one JSON document, 3 parsed/);

    const trailing = join(dir, 'trailing.json');
    writeFileSync(trailing, `${record}${record} trailing text\n${record}\n`);
    const lines = await parse([trailing]);
    expect(lines.stderr).toMatch(/2 lines, 1 parsed, 1 rejected/);
  });

  it('names a broken envelope part as invalid_envelope and reads the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-parse-'));
    const file = join(dir, 'broken.json');
    const good = '203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "x"';
    writeFileSync(file, JSON.stringify({ records: [{ data: Buffer.from([0x1f, 0x8b, 1, 2]).toString('base64') }, { data: Buffer.from(good).toString('base64') }] }));
    const { stdout, stderr } = await parse([file]);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/invalid_envelope \(record 0: data is not valid gzip\)/);
    expect(stderr).toMatch(/2 lines, 1 parsed, 1 rejected \(invalid_envelope=1\)/);
  });

  it('reads a gzip\'d log (a rotated access.log.2.gz) as the plain one, and writes what it parsed before a cut', async () => {
    const plainFile = join(FIXTURES, 'real-logs/nginx/crowdsec-hub/nginx_http-logs/nginx_http-logs.log');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-parse-'));
    const gz = join(dir, 'access.log.2.gz');
    writeFileSync(gz, gzipSync(readFileSync(plainFile)));
    const [plain, zipped] = [await parse([plainFile]), await parse([gz])];
    expect(zipped.code).toBe(0);
    expect(zipped.stdout).toBe(plain.stdout);
    expect(zipped.stderr).toMatch(/9 lines, 8 parsed, 1 rejected/);

    // A long log whose gzip stream stops halfway: the lines before the cut still come out.
    const line = '203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "x"\n';
    const whole = gzipSync(line.repeat(200_000), { level: 1 });
    const cut = join(dir, 'cut.log.gz');
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    const partial = await parse([cut]);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(/the gzip'd input is corrupt or cut off/);
    expect(partial.stdout.split('\n').length).toBeGreaterThan(1000);
  });

  it('exits 2 with the list of formats on usage errors', async () => {
    for (const args of [[], ['--format', 'iis', 'x.log'], ['a.log', 'b.log'], ['--bogus']]) {
      const { code, stderr } = await parse(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain('formats: auto, nginx');
    }
  });

  it('exits 1 when the file cannot be read', async () => {
    const { code, stderr } = await parse(['/nonexistent/vigil.log']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot read/);
  });
});
