// Plain-text safety shared by every renderer: control characters out, lengths capped.
// Attacker-controlled strings (paths, user agents, client ids) may carry control characters that
// forge lines in a terminal or a mail header, or bidi overrides that reorder what a person reads.

// C0 controls, DEL, C1 controls, line/paragraph separators and the bidi embedding/override/isolate marks.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** Shows each control character as a visible `\u{..}` escape, so the text stays on one line and keeps its evidence. */
export function escapeControlChars(text: string): string {
  return text.replace(CONTROL_CHARS, (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`);
}

/** Replaces each run of control characters with one space (for places such as a mail subject). */
export function stripControlChars(text: string): string {
  return text.replace(new RegExp(`(?:${CONTROL_CHARS.source})+`, 'gu'), ' ');
}

/** Cuts to at most `maxChars` code points, marking the cut with an ellipsis; never splits a surrogate pair. */
export function truncate(text: string, maxChars: number): string {
  const codePoints = Array.from(text);
  if (codePoints.length <= maxChars) return text;
  return `${codePoints.slice(0, Math.max(0, maxChars - 1)).join('')}…`;
}
