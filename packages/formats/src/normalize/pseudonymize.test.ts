import { describe, expect, it } from 'vitest';
import { Pseudonymizer } from './pseudonymize';

describe('Pseudonymizer', () => {
  it('gives ip- plus the first 16 hex chars of HMAC-SHA256(key, ip)', () => {
    // openssl: echo -n 203.0.113.7 | openssl dgst -sha256 -hmac test-key → 86a251cd2a6d7a7f...
    expect(new Pseudonymizer('ip-', 'test-key').apply('203.0.113.7')).toBe('ip-86a251cd2a6d7a7f');
  });

  it('is stable for the same input and differs across keys', () => {
    const a = new Pseudonymizer('ip-', 'k1');
    expect(a.apply('1.2.3.4')).toBe(a.apply('1.2.3.4'));
    expect(a.apply('1.2.3.4')).not.toBe(new Pseudonymizer('ip-', 'k2').apply('1.2.3.4'));
  });

  it('hashes without a key when none is configured', () => {
    // openssl: echo -n secret-api-key-1 | openssl dgst -sha256 → 4ffc1b77a26dc687...
    expect(new Pseudonymizer('hdr-', undefined).apply('secret-api-key-1')).toBe('hdr-4ffc1b77a26dc687');
  });
});
