import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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

  it('sees through percent-encoded letters and digits, so an encoded id is still an id', () => {
    expect(template('/users/%34%32')).toEqual({ route: '/users/{id}', objectId: '42' });
    expect(template('/%75sers/%2e%2E/42')).toEqual({ route: '/users/../{id}', objectId: '42' });
    const templater = new RouteTemplater(100, 10);
    expect([template('/users/42', templater).route, template('/%55sers/42', templater).route]).toEqual(['/users/{id}', '/Users/{id}']);
  });

  it('keeps other escapes as they are: an encoded slash, space or UTF-8 byte changes the path', () => {
    expect(template('/files/a%2Fb/x%20y/%E2%82%AC/%zz/%4').route).toBe('/files/a%2Fb/x%20y/%E2%82%AC/%zz/%4');
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

  it('admits no new route for a "no such route" answer once half the cap is taken, and still serves known ones', () => {
    const templater = new RouteTemplater(4, 10);
    expect(templater.template('api', '/scan-a', false)).toBe('/scan-a');
    expect(templater.template('api', '/scan-b', false)).toBe('/scan-b');
    expect(templater.template('api', '/scan-c', false)).toBe(OVERFLOW_ROUTE);
    expect(templater.template('api', '/scan-a', false)).toBe('/scan-a');
    expect(templater.template('api', '/login')).toBe('/login');
    expect(templater.template('api', '/orders/7')).toBe('/orders/{id}');
    expect(templater.template('api', '/orders/8', false)).toBe('/orders/{id}');
    expect(templater.template('api', '/users')).toBe(OVERFLOW_ROUTE);
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

describe('RouteTemplater route tree', () => {
  it('tells apart literal segments whose hashes collide', () => {
    // With multiplier 1 a segment's hash is the sum of its codes: "ab" and "ba" collide, as do "ad" and "bc".
    const templater = new RouteTemplater(10, 1, Number.POSITIVE_INFINITY, 1);
    for (const path of ['/ab', '/ba', '/ad', '/bc', '/ab/x', '/ba/x']) expect(templater.template('api', path)).toBe(path);
    for (const path of ['/ab', '/ba', '/ad', '/bc', '/ab/x', '/ba/x']) expect(templater.template('api', path)).toBe(path);
    expect(templater.template('api', '/cb')).toBe('/cb');
    expect(templater.template('api', '/ca')).toBe('/ca');
  });

  it('folds a route longer than the length cap into /{other} and keeps nothing of it', () => {
    const templater = new RouteTemplater(1000, 1, 32);
    for (let n = 0; n < 100; n++) expect(templater.template('api', `/${'scan'.repeat(10)}/${n}x`)).toBe(OVERFLOW_ROUTE);
    expect(templater.routeSegments('api')).toBe(0);
    expect(templater.template('api', `/users/${'9'.repeat(200)}`)).toBe('/users/{id}');
    expect(templater.routeSegments('api')).toBe(2);
  });

  it('counts a literal "{id}" segment and an id as one route, as the route text is the same', () => {
    const templater = new RouteTemplater(2, 1);
    expect(templater.template('api', '/users/{id}')).toBe('/users/{id}');
    expect(templater.template('api', '/users/42')).toBe('/users/{id}');
    expect(templater.lastObjectId).toBe('42');
    expect(templater.template('api', '/orders')).toBe('/orders');
    expect(templater.template('api', '/other')).toBe(OVERFLOW_ROUTE);
    expect(templater.template('api', '/users/7')).toBe('/users/{id}');
    expect(templater.lastObjectId).toBe('7');
  });

  it('grows the tree only with admitted routes, whatever mix of literal "{id}" and ids a client sends', () => {
    const templater = new RouteTemplater(10, 1);
    for (let mask = 0; mask < 64; mask++) {
      const path = `/${Array.from({ length: 6 }, (_, i) => ((mask >> i) & 1 ? '{id}' : String(i))).join('/')}`;
      expect(templater.template('api', path)).toBe('/{id}/{id}/{id}/{id}/{id}/{id}');
    }
    expect(templater.routeSegments('api')).toBe(6);
  });

  it('gives a known route the object id of the path at hand, and none when it has no id', () => {
    const templater = new RouteTemplater(10, 1);
    templater.template('api', '/v1/users/1/orders/2');
    expect(templater.template('api', '/v1/users/31/orders/42')).toBe('/v1/users/{id}/orders/{id}');
    expect(templater.lastObjectId).toBe('31');
    templater.template('api', '/v1/health');
    expect(templater.template('api', '/v1/health')).toBe('/v1/health');
    expect(templater.lastObjectId).toBeUndefined();
  });

  it('does not take a prefix of a known route, or a path running past one, for it', () => {
    const templater = new RouteTemplater(10, 1);
    expect(templater.template('api', '/a/b/c')).toBe('/a/b/c');
    expect(templater.template('api', '/a/b')).toBe('/a/b');
    expect(templater.template('api', '/a/b/c/')).toBe('/a/b/c/');
    expect(templater.template('api', '/a/b/cd')).toBe('/a/b/cd');
    expect(templater.template('api', '/a//b')).toBe('/a//b');
  });
});

/**
 * A reference for the caps and the known-route bookkeeping: templates from a fresh templater (which
 * has seen nothing), routes and services counted here in plain Sets. The templater under test
 * keeps its state across calls and must agree with this on every call.
 */
function referenceTemplater(maxRoutes: number, maxServices: number) {
  const reference = new RouteTemplater(maxRoutes, maxServices);
  const routesByService = new Map<string, Set<string>>();
  return (service: string, path: string, admitNew: boolean) => {
    const probe = new RouteTemplater(Number.MAX_SAFE_INTEGER, 1);
    const template = probe.template('s', path);
    const objectId = probe.lastObjectId;
    const known = reference.service(service);
    if (template === '-') return { route: '-', objectId };
    if (known === OVERFLOW_SERVICE) return { route: OVERFLOW_ROUTE, objectId };
    let routes = routesByService.get(known);
    if (routes === undefined) routesByService.set(known, (routes = new Set()));
    if (routes.has(template)) return { route: template, objectId };
    if (routes.size >= maxRoutes || (!admitNew && routes.size * 2 >= maxRoutes)) return { route: OVERFLOW_ROUTE, objectId };
    routes.add(template);
    return { route: template, objectId };
  };
}

function templateByString(path: string): string {
  return path
    .split('/')
    .map((segment, i) => {
      if (i === 0) return segment;
      if (/^[0-9]+$/.test(segment)) return '{id}';
      if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(segment)) return '{uuid}';
      if (segment.length >= 8 && /^[0-9a-fA-F]+$/.test(segment) && /[0-9]/.test(segment)) return '{hex}';
      return segment;
    })
    .join('/');
}

describe('RouteTemplater against references', () => {
  const segment = fc.oneof(
    fc.constantFrom('users', 'v1', 'orders', '', '123', '0', 'deadbeef01', 'cafebabe', '3f2c9a1e-7b4d-4e8f-9a6b-1c2d3e4f5a6b', 'a@b.co', 'FMuukC2JOJ5HKmLBujjE_BkDo', 'é', '{id}', '%2F', '%34%32', '%75sers', '%'),
    fc.string({ maxLength: 6 }).filter((s) => !s.includes('/')),
  );
  const path = fc.array(segment, { maxLength: 80 }).map((segments) => `/${segments.join('/')}`);

  it('gives the same route and object id for every sequence of paths and services, caps included', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('api', 'web', 'x'), fc.oneof(path, fc.constantFrom('-', 'host:443', '/', '//')), fc.boolean()), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (requests, maxRoutes) => {
        const templater = new RouteTemplater(maxRoutes, 2);
        const reference = referenceTemplater(maxRoutes, 2);
        for (const [service, p, admitNew] of requests) {
          const route = templater.template(templater.service(service), p, admitNew);
          expect({ route, objectId: templater.lastObjectId }).toEqual(reference(service, p, admitNew));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('builds the same templates as a plain split-and-replace for ids, uuids and hex', () => {
    const simple = fc.array(fc.constantFrom('users', '123', 'deadbeef01', '3f2c9a1e-7b4d-4e8f-9a6b-1c2d3e4f5a6b', 'v2', ''), { maxLength: 70 }).map((s) => `/${s.join('/')}`);
    fc.assert(
      fc.property(simple, (p) => {
        expect(new RouteTemplater(1000, 10).template('api', p)).toBe(templateByString(p));
      }),
      { numRuns: 300 },
    );
  });
});
