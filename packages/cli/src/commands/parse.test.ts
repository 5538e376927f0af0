import { describe, expect, it } from 'vitest';
import { capturedIo, tempFile } from '../captured-io';
import { run } from './parse';

const logFile = (text: string) => tempFile('access.log', text);

describe('vigil parse rejected samples', () => {
  it('prints rejected lines and records with their credentials redacted', async () => {
    const file = logFile(
      [
        '203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET /login?token=SECRET1 HTTP/1.1" bad 5 "-" "curl/8"',
        JSON.stringify({ started_at: 1, request: { method: 'GET', uri: '/x', headers: { authorization: 'Bearer SECRET2', cookie: 'a=SECRET3' } }, response: { status: 'x' } }),
        `GET /x?${'a'.repeat(180)}=1&api-key=${'SECRET4'.repeat(20)}`,
        '',
      ].join('\n'),
    );
    const c = capturedIo();
    expect(await run([file], c.io)).toBe(0);
    expect(c.err()).not.toMatch(/SEC(R|$)/m);
    expect(c.err()).toContain('/login?token=REDACTED HTTP/1.1');
    expect(c.err()).toContain('\\"authorization\\":\\"REDACTED\\",\\"cookie\\":\\"REDACTED\\"');
    expect(c.err()).toContain('&api-key=REDACTED…');
  });

  it('redacts a rejection detail that quotes the line', async () => {
    const c = capturedIo();
    expect(await run([logFile('203.0.113.7 - - [10/Oct/2000?token=SECRET1] "GET / HTTP/1.1" 200 5\n')], c.io)).toBe(0);
    expect(c.err()).toContain('invalid_timestamp');
    expect(c.err()).toContain('token=REDACTED');
    expect(c.err()).not.toMatch(/SECRET/);
  });

  it('redacts with the names of VIGIL_REDACT_QUERY_PARAMS', async () => {
    const c = capturedIo({ VIGIL_REDACT_QUERY_PARAMS: 'session' });
    expect(await run([logFile('GET /x?session=SECRET&token=kept\n')], c.io)).toBe(0);
    expect(c.err()).toContain('"GET /x?session=REDACTED&token=kept"');
  });
});

describe('vigil parse output on a terminal', () => {
  it('escapes C1 controls and bidi overrides from the log in its JSON, keeping the same values', async () => {
    const path = '/a\u009b2J\u202eevil\u0085';
    const line = `203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET ${path} HTTP/1.1" 200 5 "-" "curl/8 \u009b31m"`;
    const c = capturedIo();
    expect(await run([logFile(`${line}\nnot a log line \u009b2J\n`)], c.io)).toBe(0);
    expect(c.out()).not.toMatch(/[\u0080-\u009f\u202e]/);
    expect(c.err()).not.toMatch(/[\u0080-\u009f\u202e]/);
    const event = JSON.parse(c.out().trim()) as { request: { path: string }; client: { userAgent: string } };
    expect(event.request.path).toBe(path);
    expect(event.client.userAgent).toBe('curl/8 \u009b31m');
  });
});

describe('vigil parse line limit', () => {
  it('names the character limit and its variable for a line too long to read', async () => {
    const good = '203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "x"';
    const c = capturedIo({ VIGIL_MAX_LINE_LENGTH: '1000' });
    expect(await run([logFile(`${good}\n${'a'.repeat(50_000)}\n${good}\n`)], c.io)).toBe(0);
    expect(c.err()).toContain('line 2: line_too_long (more than 4000 bytes; the limit is 1000 characters, VIGIL_MAX_LINE_LENGTH)');
  });
});

describe('vigil parse on a log in the wrong format', () => {
  it('shows the first rejections and the first of each later reason, then counts each reason', async () => {
    const good = '203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "x"';
    const wrong = Array.from({ length: 5000 }, (_, i) => `not an access log line ${i}`);
    const badTime = '203.0.113.7 - - [10/Oct/2000?x] "GET / HTTP/1.1" 200 5';
    const c = capturedIo();
    expect(await run([logFile([good, ...wrong, badTime, 'not an access log line again', ''].join('\n'))], c.io)).toBe(0);
    const shown = c.err().split('\n').filter((line) => /^line \d+: /.test(line));
    expect(shown).toHaveLength(11);
    expect(shown.slice(0, 10).map((line) => line.split(':')[0])).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 2}`));
    expect(shown[10]).toMatch(/^line 5002: invalid_timestamp/);
    expect(c.err()).toMatch(/5003 lines, 1 parsed, 5002 rejected \(\w+=5001, invalid_timestamp=1\)\n  4991 rejected lines not shown: above are the first 10 and the first of each reason\n/);
    // stdout stays one event per parsed line.
    expect(c.out().trim().split('\n')).toHaveLength(1);
  });
});
