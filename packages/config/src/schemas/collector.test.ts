import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkConfig } from '../load';
import { collectorSchema } from './collector';

const problemsOf = (value: string) =>
  checkConfig(collectorSchema, { VIGIL_SYSLOG_ALLOWED_NETWORKS: value }).problems.filter((p) => p.env === 'VIGIL_SYSLOG_ALLOWED_NETWORKS');

describe('VIGIL_SYSLOG_ALLOWED_NETWORKS', () => {
  // The collector builds a net.BlockList from these at start-up; one it throws on was a crash with
  // a stack trace ("Invalid socket address") instead of a line naming the variable.
  it.each(['10.0.0/8', '999.1.1.1/8', '1:2:3/64', '10.0.0.0.0/8'])('names the variable for %s, which is no address', (value) => {
    const problems = problemsOf(value);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(`VIGIL_SYSLOG_ALLOWED_NETWORKS item "${value}" must be a CIDR such as 10.0.0.0/8`);
  });

  it.each(['10.0.0.0/8', '0.0.0.0/0', '::/0', '::1/128', 'fd00::/8', '::ffff:10.0.0.0/104'])('accepts %s, and so does net.BlockList', (value) => {
    expect(problemsOf(value)).toEqual([]);
    const [network, bits] = value.split('/') as [string, string];
    expect(() => new BlockList().addSubnet(network, Number(bits), network.includes(':') ? 'ipv6' : 'ipv4')).not.toThrow();
  });

  it('still names a prefix too long for the address', () => {
    expect(problemsOf('10.0.0.0/33')[0]?.message).toContain('must have a prefix length of at most 32');
  });
});
