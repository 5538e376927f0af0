import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TEST_TLS } from '../../../../test/support/tls';
import { ingestEndpoint, postLogLines } from './ingest-client';

describe('ingestEndpoint', () => {
  it('appends /v1/logs to a base URL, with or without a trailing slash or a path prefix', () => {
    expect(ingestEndpoint('http://127.0.0.1:8080').href).toBe('http://127.0.0.1:8080/v1/logs');
    expect(ingestEndpoint('http://127.0.0.1:8080/').href).toBe('http://127.0.0.1:8080/v1/logs');
    expect(ingestEndpoint('https://vigil.example.com/ingest/').href).toBe('https://vigil.example.com/ingest/v1/logs');
  });

  it('keeps a URL that already names the endpoint', () => {
    expect(ingestEndpoint('http://127.0.0.1:9000/v1/logs').href).toBe('http://127.0.0.1:9000/v1/logs');
  });
});

describe('postLogLines', () => {
  it('tells a certificate this machine does not trust from a Vigil that is not there', async () => {
    let requests = 0;
    const server = createServer({ cert: readFileSync(TEST_TLS.certFile), key: readFileSync(TEST_TLS.keyFile) }, (_req, res) => {
      requests++;
      res.end('{"accepted":1,"rejected":0}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const outcome = await postLogLines(ingestEndpoint(`https://127.0.0.1:${port}`), 'token', ['line']);
      expect(outcome).toEqual({ ok: false, problem: 'untrusted', detail: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const gone = await postLogLines(ingestEndpoint(`https://127.0.0.1:${port}`), 'token', ['line']);
    expect(gone).toMatchObject({ ok: false, problem: 'unreachable', detail: 'ECONNREFUSED' });
  });
});
