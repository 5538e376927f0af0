import { describe, expect, it } from 'vitest';
import { escapeControlChars, stripControlChars, truncate } from './plain-text';

describe('plain-text safety', () => {
  it('shows terminal escapes, line breaks and bidi overrides as visible escapes', () => {
    expect(escapeControlChars('a\u001b[2Jb\r\nc\u202Ed')).toBe('a\\u{1b}[2Jb\\u{d}\\u{a}c\\u{202e}d');
  });

  it('leaves ordinary Unicode text alone', () => {
    expect(escapeControlChars('café ▁▂ /users/{id}')).toBe('café ▁▂ /users/{id}');
  });

  it('replaces each run of control characters with one space', () => {
    expect(stripControlChars('spike\r\nBcc: x@example.com\u0000')).toBe('spike Bcc: x@example.com ');
  });

  it('truncates by code points and never splits a surrogate pair', () => {
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
    expect(truncate('short', 10)).toBe('short');
  });
});
