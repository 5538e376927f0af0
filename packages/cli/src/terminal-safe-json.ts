// JSON for a terminal. JSON.stringify escapes C0 control characters but writes C1 controls
// (U+0080-U+009F; U+009B is CSI to a terminal that reads 8-bit controls) and bidi overrides as
// they are, and what `vigil parse` and `vigil replay` print comes from attacker-controlled logs.
// Written as \u escapes they are the same JSON and do nothing to the terminal.

/** Characters a terminal may act on or reorder by: DEL, C1 controls, bidi marks, line and paragraph separators. */
export const TERMINAL_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(TERMINAL_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
