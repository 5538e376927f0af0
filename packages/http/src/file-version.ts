// What tells that files changed on disk without reading them: inode, size and modification time of
// each. A rewrite changes size or time; an atomic replace (rename over it, or a Kubernetes secret
// volume swapping its symlink) changes the inode.

import { statSync } from 'node:fs';

export function fileVersion(paths: readonly string[]): string {
  try {
    return paths
      .map((path) => {
        const stat = statSync(path);
        return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      })
      .join('|');
  } catch {
    return 'unreadable';
  }
}
