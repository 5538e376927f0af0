import { describe, expect, it } from 'vitest';
import { ingestEndpoint } from './ingest-client';

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
