// Reads space-separated fields where some are double-quoted (Envoy's default format, AWS ALB):
// quoted fields are returned without quotes and unescaped.

import { findClosingQuote, unescapeLogString } from './escapes';

export class FieldReader {
  private pos: number;

  constructor(
    private readonly line: string,
    start = 0,
  ) {
    this.pos = start;
  }

  get position(): number {
    return this.pos;
  }

  /** The next field, or undefined at the end of the line or on an unterminated quote. */
  next(): string | undefined {
    const s = this.line;
    while (s.charCodeAt(this.pos) === 32) this.pos++;
    if (this.pos >= s.length) return undefined;
    if (s.charCodeAt(this.pos) === 34) {
      const close = findClosingQuote(s, this.pos + 1);
      if (close === -1) return undefined;
      const value = s.slice(this.pos + 1, close);
      this.pos = close + 1;
      return unescapeLogString(value);
    }
    let end = s.indexOf(' ', this.pos);
    if (end === -1) end = s.length;
    const value = s.slice(this.pos, end);
    this.pos = end;
    return value;
  }
}

/** "-" and "" mean absent in every log syntax here. */
export function present(value: string | undefined): string | undefined {
  return value === undefined || value === '-' || value === '' ? undefined : value;
}
