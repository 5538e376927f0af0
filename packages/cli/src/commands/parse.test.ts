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

  it('redacts with the names of VIGIL_REDACT_QUERY_PARAMS', async () => {
    const c = capturedIo({ VIGIL_REDACT_QUERY_PARAMS: 'session' });
    expect(await run([logFile('GET /x?session=SECRET&token=kept\n')], c.io)).toBe(0);
    expect(c.err()).toContain('"GET /x?session=REDACTED&token=kept"');
  });
});
