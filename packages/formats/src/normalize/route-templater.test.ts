import { describe, expect, it } from 'vitest';
import { OVERFLOW_ROUTE, OVERFLOW_SERVICE, RouteTemplater } from './route-templater';

function template(path: string, templater = new RouteTemplater(100, 10)): { route: string; objectId: string | undefined } {
  const route = templater.template('api', path);
  return { route, objectId: templater.lastObjectId };
}

describe('RouteTemplater', () => {
  it.each([
    ['/v1/users/123', '/v1/users/{id}'],
    ['/v1/users/123/orders/456', '/v1/users/{id}/orders/{id}'],
    ['/v1/orders/3f2c9a1e-7b4d-4e8f-9a6b-1c2d3e4f5a6b', '/v1/orders/{uuid}'],
    ['/blobs/deadbeef01', '/blobs/{hex}'],
    ['/reset/FMuukC2JOJ5HKmLBujjE_BkDo', '/reset/{token}'],
    ['/users/alice@example.com/profile', '/users/{email}/profile'],
    ['/v2/health', '/v2/health'],
    ['/wp-content/plugins/x.php', '/wp-content/plugins/x.php'],
    ['/', '/'],
    ['/static/', '/static/'],
  ])('templates %s as %s', (path, route) => {
    expect(template(path).route).toBe(route);
  });

  it('keeps words made only of hex letters (no digit) as they are', () => {
    expect(template('/cafebabe/facade').route).toBe('/cafebabe/facade');
  });

  it('reports the first replaced id as the object id', () => {
    expect(template('/v1/users/123/orders/456').objectId).toBe('123');
    expect(template('/v1/health').objectId).toBeUndefined();
  });

  it('gives non-path targets (CONNECT host:port, "-") no route', () => {
    expect(template('foo.com:25').route).toBe('-');
    expect(template('-').route).toBe('-');
  });

  it('folds routes beyond the per-service cap into /{other} but keeps known ones', () => {
    const templater = new RouteTemplater(2, 10);
    expect(templater.template('api', '/a')).toBe('/a');
    expect(templater.template('api', '/b')).toBe('/b');
    expect(templater.template('api', '/c')).toBe(OVERFLOW_ROUTE);
    expect(templater.template('api', '/a')).toBe('/a');
    expect(templater.template('other', '/c')).toBe('/c');
  });

  it('folds routes of services beyond the service cap into /{other}', () => {
    const templater = new RouteTemplater(10, 1);
    expect(templater.template('one', '/a')).toBe('/a');
    expect(templater.template('two', '/a')).toBe(OVERFLOW_ROUTE);
  });

  it('folds services beyond the cap into {other}, keeping the ones it tracks', () => {
    const templater = new RouteTemplater(10, 2);
    expect(['api', 'web', 'x.attacker.test', 'y.attacker.test', 'api', 'web'].map((s) => templater.service(s))).toEqual([
      'api',
      'web',
      OVERFLOW_SERVICE,
      OVERFLOW_SERVICE,
      'api',
      'web',
    ]);
    expect(templater.template(templater.service('z.attacker.test'), '/login')).toBe(OVERFLOW_ROUTE);
    expect(templater.template(templater.service('api'), '/login')).toBe('/login');
  });
});
