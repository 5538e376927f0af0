// Looks in one directory for files by device and inode: where followed files went when they were
// rotated while the collector was stopped, whatever the rotation named them. Bounded, so a huge
// directory cannot stall start-up.

import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileKey } from './offset-store';

export interface RotatedCopies {
  /** Path and size of each file found, by key (device and inode). */
  found: Map<string, { path: string; size: number }>;
  /** The directory had more entries than were examined: a file not found may be among the rest. */
  truncated: boolean;
}

/**
 * Finds the regular files among the first `maxEntries` entries of `directory` whose keys are
 * `keys`. Names starting with one of `likelyPrefixes` (a rotated file's old name, as in
 * access.log.1 or access.log-20261129) are looked at first, so the usual search is one `stat`.
 * Symbolic links are not followed: a link names a file that is somewhere else.
 */
export async function findRotatedCopies(directory: string, keys: ReadonlySet<string>, likelyPrefixes: readonly string[], maxEntries: number): Promise<RotatedCopies> {
  const names: string[] = [];
  let examined = 0;
  let truncated = false;
  for await (const entry of await opendir(directory)) {
    if (examined === maxEntries) {
      truncated = true;
      break;
    }
    examined++;
    if (entry.isFile()) names.push(entry.name);
  }
  const likely = (name: string) => likelyPrefixes.some((prefix) => name.startsWith(prefix));
  names.sort((a, b) => Number(likely(b)) - Number(likely(a)));
  const found = new Map<string, { path: string; size: number }>();
  for (const name of names) {
    if (found.size === keys.size) break;
    const path = join(directory, name);
    // Gone or changed since it was listed: not the file looked for, or not any longer.
    const stats = await stat(path).catch(() => undefined);
    if (stats?.isFile() === true && keys.has(fileKey(stats))) found.set(fileKey(stats), { path, size: stats.size });
  }
  return { found, truncated };
}
