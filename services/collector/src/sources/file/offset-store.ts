// File-tail offsets on disk: one JSON file, replaced atomically (write then rename), keyed by
// device and inode so a renamed file keeps its offset and a new file at the same path does not.
// Each also holds a digest of the file's first bytes: an inode number reused by a new file (ext4
// does) must not hand it the old file's offset.

import { constants } from 'node:fs';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VigilError } from '@vigil/contract';

export interface SavedOffset {
  /** Last path the file was seen at (for people reading the state file). */
  path: string;
  /** Bytes of the file whose lines Kafka acknowledged. */
  offset: number;
  /** The file's first `bytes` bytes (all it had, up to a cap) digested; absent in older state files. */
  head?: FileHead;
}

export interface FileHead {
  bytes: number;
  sha256: string;
}

export type OffsetMap = Map<string, SavedOffset>;

const STATE_FILE = 'file-offsets.json';
const STATE_VARIABLE = 'VIGIL_FILE_STATE_DIR';

export class OffsetStore {
  private readonly file: string;
  private writing: Promise<void> | undefined;
  private pending: OffsetMap | undefined;

  constructor(private readonly dir: string) {
    this.file = join(dir, STATE_FILE);
  }

  /**
   * The saved offsets. A directory that cannot be read or made, and a state file that is not one
   * Vigil wrote, stop start-up with VIGIL_CONFIG_INVALID naming VIGIL_FILE_STATE_DIR (they were a
   * stack trace); a directory Vigil cannot write to is found here too, not at the first save.
   */
  async load(): Promise<OffsetMap> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw this.unusable(`cannot read ${this.file}`, error);
      await this.checkWritable();
      return new Map();
    }
    await this.checkWritable();
    let parsed: { files?: Record<string, SavedOffset> };
    try {
      parsed = JSON.parse(text) as { files?: Record<string, SavedOffset> };
    } catch (error) {
      throw new VigilError(
        'VIGIL_CONFIG_INVALID',
        `${STATE_VARIABLE}: ${this.file} is not a file-offsets file Vigil wrote (${(error as Error).message}); move it away to follow the files again from VIGIL_FILE_START_AT, or set ${STATE_VARIABLE} to another directory, e.g. ${STATE_VARIABLE}=/var/lib/vigil`,
        { cause: error },
      );
    }
    const valid = Object.entries(parsed.files ?? {}).filter(([, v]) => typeof v?.offset === 'number' && typeof v.path === 'string');
    return new Map(valid.map(([key, { path, offset, head }]) => [key, isFileHead(head) ? { path, offset, head } : { path, offset }]));
  }

  private async checkWritable(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      await access(this.dir, constants.W_OK);
    } catch (error) {
      throw this.unusable(`cannot make or write to ${this.dir}`, error);
    }
  }

  private unusable(what: string, error: unknown): VigilError {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return new VigilError(
      'VIGIL_CONFIG_INVALID',
      `${STATE_VARIABLE}: ${what} (${code}); give a directory Vigil's user may write, e.g. ${STATE_VARIABLE}=/var/lib/vigil`,
      { cause: error },
    );
  }

  /** Saves a snapshot; overlapping calls coalesce so the latest snapshot always lands last. */
  save(offsets: OffsetMap): Promise<void> {
    this.pending = new Map(offsets);
    this.writing ??= this.writeLoop().finally(() => (this.writing = undefined));
    return this.writing;
  }

  private async writeLoop(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    while (this.pending !== undefined) {
      const snapshot = this.pending;
      this.pending = undefined;
      const tmp = `${this.file}.tmp`;
      await writeFile(tmp, `${JSON.stringify({ v: 1, files: Object.fromEntries(snapshot) }, null, 1)}\n`);
      await rename(tmp, this.file);
    }
  }
}

function isFileHead(value: unknown): value is FileHead {
  const head = value as Partial<FileHead> | undefined;
  return typeof head?.bytes === 'number' && typeof head.sha256 === 'string';
}

export function fileKey(stats: { dev: number; ino: number }): string {
  return `${stats.dev}:${stats.ino}`;
}
