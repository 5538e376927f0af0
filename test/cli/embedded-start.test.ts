// `vigil start` as a user runs it, as a child process and without a Kafka broker: the embedded
// mode (from a working directory it may not write, such as the Docker image's /app as user
// node), its HTTP ingest limits, the quickstart's banner, and a KAFKA_BROKERS nothing answers at.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnVigil, type VigilProcess } from '../support/vigil-process';
import { ROOT } from '../../tools/generated-docs';

let running: VigilProcess | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await running?.stop('SIGINT');
  running = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('vigil start without VIGIL_INGEST_TOKENS', () => {
  it('runs, and prints its token with the demo command that needs it, when it cannot save .vigil/ingest-token', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vigil-start-'));
    dirs.push(cwd);
    // A file where the .vigil directory would go: mkdir fails as it does in a directory the
    // user may not write (as root, permissions alone cannot make it fail). This was
    // "vigil: unexpected error: Error: EEXIST ..." with a stack trace, and no Vigil.
    writeFileSync(join(cwd, '.vigil'), '');
    running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_INGEST_TOKENS: undefined, VIGIL_INGEST_TOKENS_FILE: undefined }, { cwd });
    const [, token] = await running.waitForOutput(/Ingest token for this run: (vgl_\S+) \(not saved: cannot write \.vigil\/ingest-token in this directory \(EEXIST\)/);
    const [, url] = await running.waitForOutput(/HTTP on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(running.stdout()).toContain(`vigil demo --url ${url} --token ${token}`);
    const ingest = await fetch(`${url}/v1/logs`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '' });
    expect(ingest.status).toBe(200);
    expect(await running.stop('SIGINT')).toBe(0);
    running = undefined;
  });
});

describe('vigil start, HTTP ingest limits', () => {
  it('names the variable to raise when a request body is over a limit', async () => {
    running = spawnVigil(['start'], {
      VIGIL_HTTP_PORT: '0',
      VIGIL_INGEST_TOKENS: 'limit-token',
      VIGIL_INGEST_MAX_BODY_BYTES: '1024',
      VIGIL_INGEST_MAX_DECOMPRESSED_BYTES: '2048',
    });
    const [, url] = await running.waitForOutput(/HTTP on (http:\/\/127\.0\.0\.1:\d+)/);
    const post = (body: Uint8Array, headers: Record<string, string> = {}) =>
      fetch(`${url}/v1/logs`, { method: 'POST', headers: { authorization: 'Bearer limit-token', ...headers }, body });
    const sent = await post(Buffer.alloc(4096, 0x61));
    expect(sent.status).toBe(413);
    expect(((await sent.json()) as { message: string }).message).toBe('request body exceeds the limit of 1024 bytes (VIGIL_INGEST_MAX_BODY_BYTES); send smaller batches');
    const inflated = await post(gzipSync(Buffer.alloc(8192, 0x61)), { 'content-encoding': 'gzip' });
    expect(inflated.status).toBe(413);
    expect(((await inflated.json()) as { message: string }).message).toContain('(VIGIL_INGEST_MAX_DECOMPRESSED_BYTES)');
  });
});

describe('vigil start, authentication failures', () => {
  it('answers 429 after VIGIL_HTTP_AUTH_FAILURE_BURST wrong tokens from one address, still taking its valid token', async () => {
    running = spawnVigil(['start'], {
      VIGIL_HTTP_PORT: '0',
      VIGIL_INGEST_TOKENS: 'auth-limit-token',
      VIGIL_HTTP_AUTH_FAILURES_PER_MINUTE: '1',
      VIGIL_HTTP_AUTH_FAILURE_BURST: '1',
    });
    const [, url] = await running.waitForOutput(/HTTP on (http:\/\/127\.0\.0\.1:\d+)/);
    const post = (token: string) => fetch(`${url}/v1/logs`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '' });
    expect((await post('wrong-1')).status).toBe(401);
    const limited = await post('wrong-2');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).not.toBeNull();
    expect((await post('auth-limit-token')).status).toBe(200);
  });

  it('refuses to start on a limit that is not a positive integer, naming the variable and an example', async () => {
    running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_INGEST_TOKENS: 'auth-limit-token', VIGIL_HTTP_AUTH_FAILURES_PER_MINUTE: '0' });
    expect(await running.exited()).not.toBe(0);
    expect(running.stderr()).toMatch(/VIGIL_HTTP_AUTH_FAILURES_PER_MINUTE.*e\.g\. VIGIL_HTTP_AUTH_FAILURES_PER_MINUTE=30/);
  });
});

describe('the quickstart', () => {
  it('shows the banner vigil start prints, line for line', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vigil-start-'));
    dirs.push(cwd);
    running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_INGEST_TOKENS: undefined, VIGIL_INGEST_TOKENS_FILE: undefined }, { cwd });
    await running.waitForOutput(/Press Ctrl-C to stop\./);
    // Port 0 picks a free port, and with it the demo hint names the address; the docs show 8080.
    const [, port] = /HTTP on http:\/\/127\.0\.0\.1:(\d+)/.exec(running.stdout()) ?? [];
    const normalize = (text: string) =>
      text
        .replaceAll(`127.0.0.1:${port}`, '127.0.0.1:8080')
        .replace(' --url http://127.0.0.1:8080', '')
        .replace(/vgl_[A-Za-z0-9_-]+/g, 'vgl_TOKEN');
    const printed = normalize(running.stdout()).trim().split('\n');
    const quickstart = readFileSync(`${ROOT}docs/quickstart.md`, 'utf8');
    const block = /```\n(Vigil all started[^`]*Press Ctrl-C to stop\.)\n```/.exec(quickstart)?.[1];
    expect(normalize(block ?? '').split('\n')).toEqual(printed);
  });

  it('suggests posting one line, not a whole log, whose past incidents would all alert as if they were now', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vigil-start-'));
    dirs.push(cwd);
    running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_INGEST_TOKENS: undefined, VIGIL_INGEST_TOKENS_FILE: undefined }, { cwd });
    await running.waitForOutput(/Press Ctrl-C to stop\./);
    const hint = running.stdout().split('\n').find((line) => line.includes('--data-binary')) ?? '';
    expect(hint).toMatch(/^ {2}tail -n 1 \/var\/log\/nginx\/access\.log \| curl -H "Authorization: Bearer vgl_\S+" --data-binary @- http:\/\/127\.0\.0\.1:\d+\/v1\/logs$/);
    expect(running.stdout()).toContain('vigil replay /var/log/nginx/access.log.1');
  });
});

describe('vigil start with a log format it cannot build', () => {
  // Parsers were built on first use: Vigil started, then answered every POST /v1/logs with 500
  // "internal error" and logged an error for every batch of a followed file.
  it.each([
    [{ VIGIL_NGINX_LOG_FORMAT: '$remote_addr [$time_local]' }, 'VIGIL_NGINX_LOG_FORMAT must log $status and the request'],
    [{ VIGIL_FORMAT: 'nginx-custom' }, 'format nginx-custom needs VIGIL_NGINX_LOG_FORMAT to be set, e.g. '],
    [{ VIGIL_FILE_FORMAT: 'nginxx' }, 'VIGIL_FILE_FORMAT: unknown log format "nginxx"; use auto or one of nginx'],
  ])('stops at start-up, naming the variable (%j)', async (env, message) => {
    running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_INGEST_TOKENS: 'format-token', ...env });
    expect(await running.exited()).toBe(1);
    expect(running.stderr()).toContain(`vigil: invalid configuration:\n${message}`);
    running = undefined;
  });
});
