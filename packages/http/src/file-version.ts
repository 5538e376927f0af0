// Noticing that files changed on disk without reading them: inode, size and modification time of
// each. A rewrite changes size or time; an atomic replace (rename over it, or a Kubernetes secret
// volume swapping its symlink) changes the inode.

import { statSync } from 'node:fs';

function fileVersion(paths: readonly string[]): string {
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

/** Calls onChange each time the files differ from the last check, every `intervalMs`. Returns the function that stops checking. */
export function onFilesChange(paths: readonly string[], intervalMs: number, onChange: () => void): () => void {
  let seen = fileVersion(paths);
  const timer = setInterval(() => {
    const current = fileVersion(paths);
    if (current === seen) return;
    seen = current;
    onChange();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
