import { describe, expect, it } from 'vitest';
import { bareIp, CidrSet, cidrProblem, parseIp } from './cidr';
import { resolveClientIp } from './client-ip';

describe('CidrSet', () => {
  it('matches IPv4 ranges at and inside their bounds only', () => {
    const set = new CidrSet(['10.0.0.0/8', '192.168.1.0/24', '203.0.113.7']);
    expect(set.has('10.255.255.255')).toBe(true);
    expect(set.has('11.0.0.0')).toBe(false);
    expect(set.has('192.168.1.200')).toBe(true);
    expect(set.has('192.168.2.1')).toBe(false);
    expect(set.has('203.0.113.7')).toBe(true);
    expect(set.has('203.0.113.8')).toBe(false);
  });

  it('matches a prefix that is not a multiple of 8', () => {
    const set = new CidrSet(['172.16.0.0/12']);
    expect(set.has('172.31.255.1')).toBe(true);
    expect(set.has('172.32.0.1')).toBe(false);
  });

  it('matches IPv6 ranges, compressed forms and v4-mapped addresses', () => {
    const set = new CidrSet(['fd00::/8', '2001:db8:abcd::/48', '10.0.0.0/8']);
    expect(set.has('fd00:1234:5678::5a24')).toBe(true);
    expect(set.has('fe80::1')).toBe(false);
    expect(set.has('2001:db8:abcd:12::1')).toBe(true);
    expect(set.has('2001:db8:abce::1')).toBe(false);
    expect(set.has('::ffff:10.1.2.3')).toBe(true);
  });

  it('never matches garbage', () => {
    const set = new CidrSet(['0.0.0.0/0']);
    expect(set.has('not-an-ip')).toBe(false);
    expect(set.has('1.2.3.4')).toBe(true);
  });

  it('rejects invalid CIDRs with a message naming an example', () => {
    expect(cidrProblem('10.0.0.0/33')).toMatch(/e\.g\./);
    expect(cidrProblem('300.1.1.1')).toBeDefined();
    expect(cidrProblem('fd00::/64')).toBeUndefined();
    expect(() => new CidrSet(['nope'])).toThrow(/trusted proxy "nope"/);
  });

  it('parses IPv6 with an embedded IPv4 tail', () => {
    expect(Array.from(parseIp('::ffff:1.2.3.4') ?? [])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
  });

  it('strips ports and brackets from logged addresses', () => {
    expect(bareIp('10.0.0.12:59292')).toBe('10.0.0.12');
    expect(bareIp('[fd00::1]:54321')).toBe('fd00::1');
    expect(bareIp('[fd00::1]')).toBe('fd00::1');
    expect(bareIp('fd00::1')).toBe('fd00::1');
    expect(bareIp(' tcp://10.0.2.1:80')).toBe('10.0.2.1');
  });

  it('writes an IPv4-mapped IPv6 address as its IPv4 address, in any case and spelling', () => {
    expect(bareIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(bareIp('::FFFF:203.0.113.7')).toBe('203.0.113.7');
    expect(bareIp('[::ffff:203.0.113.7]:443')).toBe('203.0.113.7');
    expect(bareIp('::ffff:cb00:7107')).toBe('203.0.113.7');
    expect(bareIp('0:0:0:0:0:ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(bareIp('::1')).toBe('::1');
    expect(bareIp('::fffe:203.0.113.7')).toBe('::fffe:203.0.113.7');
    expect(bareIp('64:ff9b::203.0.113.7')).toBe('64:ff9b::203.0.113.7');
  });
});

describe('resolveClientIp', () => {
  const trusted = new CidrSet(['10.0.0.0/8']);

  it('takes the peer as it is, port stripped, when no proxy is trusted or no X-Forwarded-For was logged', () => {
    expect(resolveClientIp('10.0.0.5:4431', '203.0.113.7', new CidrSet([]))).toBe('10.0.0.5');
    expect(resolveClientIp('10.0.0.5', '-', new CidrSet(['10.0.0.0/8']))).toBe('10.0.0.5');
    expect(resolveClientIp(' ', undefined, new CidrSet([]))).toBe('-');
    expect(resolveClientIp('-', '203.0.113.7, 10.0.0.9', new CidrSet([]))).toBe('10.0.0.9');
  });

  it('uses the direct peer when it is not a trusted proxy, whatever X-Forwarded-For claims', () => {
    expect(resolveClientIp('198.51.100.9', '1.1.1.1', trusted)).toBe('198.51.100.9');
  });

  it('walks X-Forwarded-For from the right past trusted proxies', () => {
    expect(resolveClientIp('10.0.0.5', '203.0.113.7, 10.0.0.9', trusted)).toBe('203.0.113.7');
  });

  it('stops at the first untrusted hop so a client cannot spoof the left-most entry', () => {
    expect(resolveClientIp('10.0.0.5', '6.6.6.6, 198.51.100.1, 10.0.0.9', trusted)).toBe('198.51.100.1');
  });

  it('folds IPv4-mapped peers and hops, so a dual-stack listener does not split one client in two', () => {
    expect(resolveClientIp('::ffff:203.0.113.7', undefined, new CidrSet([]))).toBe('203.0.113.7');
    expect(resolveClientIp('::ffff:10.0.0.5', '::FFFF:203.0.113.7, ::ffff:10.0.0.9', trusted)).toBe('203.0.113.7');
    expect(resolveClientIp('10.0.0.5', '203.0.113.7, ::ffff:10.0.0.9', new CidrSet(['::ffff:10.0.0.0/104']))).toBe('203.0.113.7');
  });

  it('takes the right-most X-Forwarded-For entry when the log has no peer', () => {
    expect(resolveClientIp(undefined, '192.168.1.100, 10.42.0.1', new CidrSet([]))).toBe('10.42.0.1');
    expect(resolveClientIp(undefined, undefined, trusted)).toBe('-');
  });
});
