import { describe, expect, it } from 'vitest';
import { RouteTable } from './route-table';

function table(): RouteTable<string> {
  const routes = new RouteTable<string>();
  routes.add('GET', '/healthz', 'health');
  routes.add('POST', '/v1/logs', 'ingest');
  routes.add('GET', '/api/silences/*', 'get-silence');
  routes.add('DELETE', '/api/silences/*', 'delete-silence');
  routes.add('GET', '/api/*', 'api');
  return routes;
}

describe('RouteTable', () => {
  it('matches exact paths', () => {
    expect(table().match('POST', '/v1/logs')).toEqual({ kind: 'found', handler: 'ingest', pattern: '/v1/logs' });
  });

  it('does not treat an exact path as a prefix', () => {
    expect(table().match('POST', '/v1/logs/extra')).toEqual({ kind: 'not_found' });
  });

  it('matches everything below a prefix route, preferring the longest prefix', () => {
    expect(table().match('DELETE', '/api/silences/abc')).toMatchObject({ handler: 'delete-silence', pattern: '/api/silences/*' });
    expect(table().match('GET', '/api/other/x')).toMatchObject({ handler: 'api', pattern: '/api/*' });
  });

  it('reports unknown paths as not found', () => {
    expect(table().match('GET', '/nope')).toEqual({ kind: 'not_found' });
  });

  it('reports a known path with another method as not allowed, listing the allowed methods', () => {
    expect(table().match('POST', '/api/silences/abc')).toEqual({
      kind: 'method_not_allowed',
      pattern: '/api/silences/*',
      allow: ['DELETE', 'GET'],
    });
  });

  it('refuses the same method and path twice', () => {
    const routes = table();
    expect(() => routes.add('POST', '/v1/logs', 'again')).toThrow(/registered twice/);
  });

  it('refuses a path without a leading slash', () => {
    expect(() => new RouteTable<string>().add('GET', 'healthz', 'x')).toThrow(/must start with "\/"/);
  });
});
