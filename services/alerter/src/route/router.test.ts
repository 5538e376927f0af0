import { describe, expect, it } from 'vitest';
import { detectorRoutes, routeChannels, type RoutingTable } from './router';

const table: RoutingTable = {
  bySeverity: { critical: ['slack', 'email'], warning: ['slack'], info: [] },
  byDetector: detectorRoutes(['latency-spike=webhook+email']),
  always: [],
};
const configured = new Set(['slack', 'email', 'webhook']);

describe('routeChannels', () => {
  it('routes by severity', () => {
    expect(routeChannels(table, 'traffic-spike', 'critical', configured)).toEqual(['slack', 'email']);
    expect(routeChannels(table, 'traffic-spike', 'info', configured)).toEqual([]);
  });

  it('lets a detector route replace the severity route', () => {
    expect(routeChannels(table, 'latency-spike', 'warning', configured)).toEqual(['webhook', 'email']);
  });

  it('drops channels that are not configured', () => {
    expect(routeChannels(table, 'traffic-spike', 'critical', new Set(['email']))).toEqual(['email']);
  });

  it('adds the always-on channels once', () => {
    const withConsole = { ...table, always: ['console', 'slack'] };
    expect(routeChannels(withConsole, 'traffic-spike', 'warning', new Set([...configured, 'console']))).toEqual(['slack', 'console']);
  });
});
