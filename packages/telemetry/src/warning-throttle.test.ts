import { describe, expect, it } from 'vitest';
import { WarningThrottle } from './warning-throttle';

describe('WarningThrottle', () => {
  it('lets one warning a minute through per key, with the occurrences since the last one', () => {
    let now = 0;
    const throttle = new WarningThrottle(60_000, () => now);
    expect(throttle.due('slack')).toBe(1);
    expect(throttle.due('email', 5)).toBe(5);
    now = 30_000;
    expect(throttle.due('slack')).toBeUndefined();
    expect(throttle.due('slack', 3)).toBeUndefined();
    now = 60_000;
    expect(throttle.due('slack')).toBe(5);
    expect(throttle.due('email')).toBe(1);
    expect(throttle.due('slack')).toBeUndefined();
  });
});
