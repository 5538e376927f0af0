import { describe, expect, it } from 'vitest';
import { alertsEndpoint } from './alertmanager-notifier';

describe('alertsEndpoint', () => {
  it('appends the v2 alerts path to the base URL, keeping a path prefix', () => {
    expect(alertsEndpoint('http://127.0.0.1:9093')).toBe('http://127.0.0.1:9093/api/v2/alerts');
    expect(alertsEndpoint('http://127.0.0.1:9093/am/')).toBe('http://127.0.0.1:9093/am/api/v2/alerts');
  });
});
