import { describe, expect, it } from 'vitest';
import { idempotencyHeaderValue } from './webhook-notifier';

describe('idempotencyHeaderValue', () => {
  it('sends a printable ASCII key as it is', () => {
    expect(idempotencyHeaderValue('an-1:firing:2')).toBe('an-1:firing:2');
  });

  it('sends a key with line breaks or non-ASCII characters as a stable digest', () => {
    const value = idempotencyHeaderValue('client-é\r\nX: y');
    expect(value).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(idempotencyHeaderValue('client-é\r\nX: y')).toBe(value);
  });
});
