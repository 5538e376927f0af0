import { describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS, hostileNotification, sampleNotification } from '../sample-notification';
import { renderConsole } from './render-console';

describe('renderConsole', () => {
  it('prints a readable multi-line report', () => {
    const text = renderConsole(sampleNotification());
    expect(text.split('\n')[0]).toBe('[Vigil CRITICAL] traffic-spike on client 1.2.3.4');
    expect(text).toContain('Observed:        1,240 requests');
    expect(text).toContain('  - POST /login (1100)');
  });

  it('writes no ANSI or other control characters, even for hostile strings', () => {
    const text = renderConsole(hostileNotification());
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('\\u{1b}[31m');
    expect(text).toContain(HOSTILE_STRINGS.path);
  });
});
