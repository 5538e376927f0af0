import { describe, expect, it } from 'vitest';
import { checkConfig } from '../load';
import { formatsSchema } from './formats';

const problemsOf = (value: string) =>
  checkConfig(formatsSchema, { VIGIL_TRUSTED_PROXIES: value }).problems.filter((p) => p.env === 'VIGIL_TRUSTED_PROXIES');

describe('VIGIL_TRUSTED_PROXIES', () => {
  // These passed the old pattern and then stopped start-up in the normalizer with
  // 'trusted proxy "1:2:3" must be ...', a message that named no variable.
  it.each(['1:2:3', '1:2:3:4:5:6:7:8:9/64', '12345::1', '::ffff:1.2.3/120'])('names the variable for %s, which is no address', (value) => {
    const problems = problemsOf(value);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(`VIGIL_TRUSTED_PROXIES item "${value}" must be an IPv4 or IPv6 address or CIDR`);
  });

  it.each(['10.0.0.0/8', '10.1.2.3', 'fd00::/8', '::1', '::ffff:10.0.0.0/104', '10.0.0.0/8,fd00::/8'])('accepts %s', (value) => {
    expect(problemsOf(value)).toEqual([]);
  });

  it.each(['10.0.0.0/33', '10.0.0', '256.1.1.1', '10.0.0.0/8/1'])('still rejects %s', (value) => {
    expect(problemsOf(value)).toHaveLength(1);
  });
});
