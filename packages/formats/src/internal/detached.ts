// Copies of substrings that outlive their line: a slice shares its parent's memory, so a kept slice
// would keep the whole log line alive.

/** A copy of s that shares no memory with the string it was cut from. */
export function detached(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
