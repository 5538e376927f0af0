import { describe, expect, it } from 'vitest';
import { NetworkAllowList } from './network-allow-list';

describe('NetworkAllowList', () => {
  const list = new NetworkAllowList(['127.0.0.0/8', '::1/128', '10.1.0.0/16']);

  it('allows addresses inside the listed networks, IPv4 and IPv6', () => {
    expect(list.allows('127.0.0.1')).toBe(true);
    expect(list.allows('10.1.200.3')).toBe(true);
    expect(list.allows('::1')).toBe(true);
  });

  it('checks IPv4-mapped IPv6 addresses as IPv4', () => {
    expect(list.allows('::ffff:127.0.0.1')).toBe(true);
    expect(list.allows('::ffff:192.168.1.1')).toBe(false);
  });

  it('refuses everything else, including an unknown address', () => {
    expect(list.allows('10.2.0.1')).toBe(false);
    expect(list.allows('2001:db8::1')).toBe(false);
    expect(list.allows(undefined)).toBe(false);
  });
});
