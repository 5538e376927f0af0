// The embedded mode keeps nothing across a restart, silences made through the API included. At the
// stop, each one still active is written the way VIGIL_SILENCES reads it, so it can be kept.

import type { Silence } from './silence';

/** `field=value,…[,until=ISO time]` as VIGIL_SILENCES reads it; undefined when a value cannot be written there. */
export function silenceAsEnvItem(silence: Silence): string | undefined {
  const pairs = Object.entries(silence.matchers).filter((pair): pair is [string, string] => pair[1] !== undefined);
  // VIGIL_SILENCES splits on "," and ";" and trims each value.
  if (pairs.some(([, value]) => /[,;]/.test(value) || value.trim() !== value || value === '')) return undefined;
  const until = silence.endsAt === null ? [] : [`until=${new Date(silence.endsAt).toISOString()}`];
  return [...pairs.map(([field, value]) => `${field}=${value}`), ...until].join(',');
}

/** One warning line on the silences a stop of the embedded mode loses, with the VIGIL_SILENCES that keeps them. */
export function lostSilencesMessage(silences: readonly Silence[]): string {
  const count = `${silences.length} silence${silences.length === 1 ? '' : 's'}`;
  const items = silences.map(silenceAsEnvItem);
  const written = items.filter((item): item is string => item !== undefined);
  const unwritable = items.length - written.length;
  const keep = written.length === 0 ? '' : ` To keep ${unwritable === 0 ? (silences.length === 1 ? 'it' : 'them') : `${written.length} of them`}, start with VIGIL_SILENCES=${shellQuoted(written.join(';'))}`;
  const again = unwritable === 0 ? '' : `${keep === '' ? ' Make' : '; make'} ${unwritable === silences.length ? (unwritable === 1 ? 'it' : 'them') : `the other ${unwritable}`} again through the silence API after the start (a value holds "," or ";")`;
  return `stopped with ${count} made through the silence API; ${silences.length === 1 ? 'it is' : 'they are'} lost (the embedded mode keeps nothing across a restart).${keep}${again}`;
}

function shellQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
