// Follows files and globs. Files are tracked by inode, not by path: a renamed file (rotation) is
// read through the descriptor still open on it for as long as it grows (the gateway writes to it
// until it reopens its log) while the new file at the path starts from 0; a file that shrinks
// (copytruncate) starts again from 0. An offset is committed and saved only after Kafka
// acknowledged the lines before it, so a restart neither loses nor re-sends. A file that took a
// followed file's path while the collector was stopped is read from its start, and the followed
// file is looked for by inode in its directory, under whatever name the rotation gave it, to be
// read from its offset to its end. Lines the publish buffer had no room for are left unread and
// read again once it has room. A compressed file (what logrotate's `compress` leaves,
// access.log.2.gz) holds lines already read before it was compressed, and a UTF-16 file is not
// lines of bytes: each is listed as not followed instead of being read as text.

import { createHash } from 'node:crypto';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import { isVigilError } from '@vigil/contract';
import type { Logger } from '@vigil/telemetry';
import { utf16ByteOrder } from '../../transforms/byte-order-mark';
import { isGzip } from '../../transforms/envelopes';
import { itemsFromLines, type IngestItem } from '../../transforms/ingest-item';
import { findRotatedCopies, type RotatedCopies } from './find-rotated-copies';
import { fileKey, type FileHead, type OffsetMap, type OffsetStore, type SavedOffset } from './offset-store';

export interface FileTailerOptions {
  patterns: readonly string[];
  pollMs: number;
  /**
   * Where a file found at start-up is read from when no saved offset names its path (a first run);
   * every other file without a saved offset of its own starts at 0.
   */
  startAt: 'beginning' | 'end';
  maxLineBytes: number;
  store: OffsetStore;
  logger: Logger;
  /**
   * How long a file that left its path (rotated away, deleted) is still read after it last grew;
   * then its unterminated last line is taken as complete and it is closed. Default 5 s.
   */
  rotatedGraceMs?: number;
  /** Hands lines over; resolves when Kafka acknowledged them. */
  ingest(items: IngestItem[], path: string): Promise<void>;
  /**
   * False while the publish buffer is full: reading pauses. Asked again just before each hand-over,
   * so `ingest` is only called when an offer made at once is taken.
   */
  hasRoom(): boolean;
}

interface TailedFile {
  key: string;
  path: string;
  handle: FileHandle | undefined;
  /** Next byte to read. */
  readOffset: number;
  /** Bytes whose lines Kafka acknowledged. */
  committedOffset: number;
  /** Bumped on truncation so acknowledgements from before it are ignored. */
  generation: number;
  /** The file's first bytes as far as read (up to HEAD_BYTES), saved as a digest with the offset. */
  head: Buffer;
  /** Inside a line longer than the cap: skip to the next newline. */
  skipping: boolean;
  /** No longer at any matched path: its size when last seen and when it last grew. */
  rotated: { size: number; grewAt: number } | undefined;
  /** Rotated and not grown for the grace period: its unterminated last line is complete. */
  finished: boolean;
}

const NEWLINE = 0x0a;
/** Bytes of a file's start digested to tell it from another file given the same inode number. */
const HEAD_BYTES = 1024;
/**
 * A rotated-away file is followed until it has not grown for this long: nginx writes to it until
 * USR1 makes it reopen its log (logrotate's postrotate), apps reopening on a timer take longer.
 */
const ROTATED_GRACE_MS = 5_000;
/**
 * Directory entries examined for a file rotated away while the collector was stopped: a rotated
 * log sits beside a few dozen others, and a directory of many thousands must not stall start-up.
 */
const ROTATED_SEARCH_MAX_ENTRIES = 1_000;

/** What `consume` made of a chunk: lines handed over, a line still being written, or no room for its lines. */
type Consumed = 'read' | 'wait_for_data' | 'no_room';

/** The compression whose magic number `head` starts with, if any: the formats logrotate can use. */
function compression(head: Buffer): string | undefined {
  if (isGzip(head)) return 'gzip';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a) return 'xz';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return undefined;
}

/** Why a file that starts with `head` is not read as lines, if it is not: compressed, or UTF-16 text. */
function notTextReason(head: Buffer): string | undefined {
  const kind = compression(head);
  if (kind !== undefined) {
    return `${kind}-compressed, as logrotate leaves a rotated log: its lines were read before it was compressed, so it is skipped (to look back at it: zcat it into vigil replay -)`;
  }
  if (utf16ByteOrder(head) !== undefined) {
    return 'UTF-16 text (it starts with a UTF-16 byte order mark), so its lines cannot be split from its bytes: have the gateway write UTF-8 (vigil replay reads such a file as it is)';
  }
  return undefined;
}

/** A file's first bytes, up to HEAD_BYTES, of the `size` it has. */
async function readHead(handle: FileHandle, size: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.min(size, HEAD_BYTES));
  return buffer.subarray(0, (await handle.read(buffer, 0, buffer.length, 0)).bytesRead);
}

/** A file to read from `offset`, whose first bytes are `head`. */
function tailedFile(key: string, path: string, handle: FileHandle, offset: number, head: Buffer): TailedFile {
  return { key, path, handle, readOffset: offset, committedOffset: offset, generation: 0, head, skipping: false, rotated: undefined, finished: false };
}

function digest(head: Buffer): FileHead {
  return { bytes: head.length, sha256: createHash('sha256').update(head).digest('hex') };
}

/** Whether a file starting with `head` (its first bytes, up to HEAD_BYTES) is the one `saved` describes. */
function isSavedFile(saved: SavedOffset, size: number, head: Buffer): boolean {
  if (size < saved.offset) return false;
  if (saved.head === undefined) return true;
  return saved.head.bytes <= head.length && digest(head.subarray(0, saved.head.bytes)).sha256 === saved.head.sha256;
}

/** Whether `path` is the one `pattern` names, or one it matches. */
function isMatchedBy(pattern: string, path: string): boolean {
  const absolute = resolve(pattern);
  return picomatch.scan(absolute).isGlob ? picomatch(absolute, { dot: false })(path) : path === absolute;
}

/** Why the rest of a followed file is lost when `path` has its inode number but is another file. */
function inodeReusedWhy(path: string): string {
  return `${path} now has its inode number but holds other lines: while the collector was stopped the file was deleted and the number reused, or it was truncated or rewritten`;
}

/** What an error reading a path means to someone who set VIGIL_FILES. */
function describeFailure(error: unknown, what: 'file' | 'directory' = 'file'): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return what === 'file' ? 'no such file yet; it is followed once it appears' : 'no such directory yet; its files are followed once they appear';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory (ENOTDIR)';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code}); run Vigil as a user that may read it (nginx logs are often root:adm 0640)`;
  return `cannot read it (${code ?? (error as Error).message})`;
}

/** The paths a pattern matches now; `failure` says why there are none when that is known. */
async function expandPattern(pattern: string): Promise<{ paths: string[]; glob: boolean; failure?: string }> {
  const absolute = resolve(pattern);
  const scan = picomatch.scan(absolute);
  if (!scan.isGlob) return { paths: [absolute], glob: false };
  const isMatch = picomatch(absolute, { dot: false });
  let entries: string[];
  try {
    entries = await readdir(scan.base, { recursive: scan.glob.includes('/') });
  } catch (error) {
    return { paths: [], glob: true, failure: `${scan.base}: ${describeFailure(error, 'directory')}` };
  }
  const paths = entries.map((entry) => join(scan.base, entry)).filter((path) => isMatch(path));
  return paths.length > 0 ? { paths, glob: true } : { paths, glob: true, failure: 'no file matches yet; files are followed once they appear' };
}

export class FileTailer {
  private readonly files = new Map<string, TailedFile>();
  private readonly chunkBytes: number;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;
  private firstScan = true;
  private saved: OffsetMap = new Map();
  /** Paths the state file names: a file found there at start-up without an offset of its own is new since the last run. */
  private savedPaths = new Set<string>();
  /** Patterns and paths that gave no file in the last poll, and why; each is logged when it starts and ends. */
  private unreadable = new Map<string, string>();
  /** The same, gathered by the poll under way. */
  private polled = new Map<string, string>();
  /** Files (by key) found to be compressed or UTF-16, with why: never read, and not opened again. */
  private readonly notText = new Map<string, string>();

  constructor(private readonly options: FileTailerOptions) {
    // A chunk always holds a whole line at the cap, so a chunk without a newline means "too long".
    this.chunkBytes = Math.max(256 * 1024, options.maxLineBytes + 2);
  }

  async start(): Promise<void> {
    this.saved = await this.options.store.load();
    this.savedPaths = new Set([...this.saved.values()].map((saved) => saved.path));
    await this.poll();
    this.schedule();
  }

  /** Stops reading; offsets keep being committed as earlier lines are acknowledged. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
    for (const file of this.files.values()) await this.closeHandle(file);
  }

  /** Writes the committed offsets (call after the buffer drained). */
  persist(): Promise<void> {
    return this.options.store.save(this.offsetSnapshot());
  }

  /** Currently followed paths, for the start-up banner and tests. */
  followed(): string[] {
    return [...this.files.values()].filter((f) => f.rotated === undefined).map((f) => f.path);
  }

  /** Patterns or paths that gave no file in the last poll, each with the reason (the start-up banner lists them). */
  notFollowed(): ReadonlyMap<string, string> {
    return this.unreadable;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => this.schedule());
    }, this.options.pollMs);
  }

  private async poll(): Promise<void> {
    this.polled = new Map();
    try {
      const current = await this.scan();
      if (this.firstScan) await this.findRotatedAway(current);
      // Read files that left their path (rotated away, deleted) before their successors.
      for (const file of [...this.files.values()]) if (!current.has(file.key)) await this.followRotated(file);
      for (const key of this.notText.keys()) if (!current.has(key)) this.notText.delete(key);
      for (const [key, { path, size }] of current) await this.follow(key, path, size);
      this.firstScan = false;
      this.reportUnreadable();
    } catch (error) {
      this.options.logger.error({ err: error }, 'file tail poll failed');
    }
  }

  /**
   * Reads a file that left its path through its descriptor while it grows. Once it has not grown
   * for the grace period its unterminated last line is complete, and once every line of it is
   * acknowledged it is closed and forgotten.
   */
  private async followRotated(file: TailedFile): Promise<void> {
    if (file.handle === undefined) return;
    const { size } = await file.handle.stat();
    const now = Date.now();
    if (file.rotated === undefined || size > file.rotated.size) file.rotated = { size, grewAt: now };
    file.finished = now - file.rotated.grewAt >= (this.options.rotatedGraceMs ?? ROTATED_GRACE_MS);
    if ((await this.readAvailable(file)) !== 'end_of_file' || !file.finished || file.committedOffset < file.readOffset) return;
    await this.closeHandle(file);
    this.files.delete(file.key);
    // Saved without it now: a restart must not look for a file that was read to its end.
    this.saveOffsets();
  }

  /**
   * At start-up, finds the followed files rotated away while the collector was stopped: a saved
   * offset whose file is not at a followed path is looked for by device and inode among the files
   * of the directory it was in (access.log.1, access.log-20261129: whatever the rotation named
   * it), and read from there to its end like a file rotated while running. The rest of one not
   * found (deleted, or compressed into a new file) is lost, which is said once.
   */
  private async findRotatedAway(current: ReadonlyMap<string, unknown>): Promise<void> {
    const byDirectory = new Map<string, Map<string, SavedOffset>>();
    for (const [key, saved] of this.saved) {
      if (current.has(key) || !this.options.patterns.some((pattern) => isMatchedBy(pattern, saved.path))) continue;
      const directory = dirname(saved.path);
      byDirectory.set(directory, (byDirectory.get(directory) ?? new Map<string, SavedOffset>()).set(key, saved));
    }
    for (const [directory, wanted] of byDirectory) {
      const likelyPrefixes = [...wanted.values()].map((saved) => basename(saved.path));
      let search: RotatedCopies;
      try {
        search = await findRotatedCopies(directory, new Set(wanted.keys()), likelyPrefixes, ROTATED_SEARCH_MAX_ENTRIES);
      } catch (error) {
        const why = `it left its path while the collector was stopped, and ${directory} cannot be listed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
        for (const saved of wanted.values()) this.warnRestLost(saved, { why });
        continue;
      }
      for (const [key, saved] of wanted) {
        const found = search.found.get(key);
        const looked = search.truncated ? `the first ${ROTATED_SEARCH_MAX_ENTRIES} entries of ${directory}` : `the files of ${directory}`;
        const notFound = `it left its path while the collector was stopped and is not among ${looked}: deleted, or compressed (which makes a new file)`;
        const lost = found === undefined ? { why: notFound } : await this.followRotatedCopy(key, saved, found);
        if (lost !== undefined) this.warnRestLost(saved, lost);
      }
    }
  }

  /** Opens a rotated copy found at start-up, to be read from its saved offset; says why not when it is not. */
  private async followRotatedCopy(key: string, saved: SavedOffset, found: { path: string; size: number }): Promise<{ why: string; unreadBytes?: number } | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(found.path, 'r');
    } catch (error) {
      return { why: `it was rotated to ${found.path} while the collector was stopped, which cannot be opened: ${describeFailure(error)}`, unreadBytes: found.size - saved.offset };
    }
    const stats = await handle.stat();
    const head = await readHead(handle, stats.size);
    const notText = notTextReason(head);
    const why =
      fileKey(stats) !== key || !isSavedFile(saved, stats.size, head)
        ? inodeReusedWhy(found.path)
        : notText === undefined
          ? undefined
          : `it was rotated to ${found.path} while the collector was stopped, which is not read: ${notText}`;
    if (why !== undefined) {
      await handle.close();
      return { why };
    }
    this.files.set(key, tailedFile(key, saved.path, handle, saved.offset, head));
    this.saved.delete(key);
    this.options.logger.info({ path: found.path, offset: saved.offset, followedAs: saved.path }, `file tail: ${saved.path} was rotated to ${found.path} while the collector was stopped; reading the rest of it`);
    return undefined;
  }

  /** Says that what a followed file held past its saved offset cannot be read. */
  private warnRestLost(saved: SavedOffset, lost: { why: string; unreadBytes?: number }): void {
    const { path, offset } = saved;
    const bytes = lost.unreadBytes === undefined ? 'how many bytes is not known' : `${lost.unreadBytes} bytes`;
    this.options.logger.warn(
      { path, offset, reason: lost.why, ...(lost.unreadBytes === undefined ? {} : { unreadBytes: lost.unreadBytes }) },
      `file tail: the rest of ${path} past byte ${offset} was not read (${bytes}): ${lost.why}`,
    );
  }

  /** Logs a pattern or path that stopped giving a file (once, not every poll), and when it gives one again. */
  private reportUnreadable(): void {
    const now = this.polled;
    for (const [what, reason] of now) {
      if (this.unreadable.get(what) !== reason) this.options.logger.warn({ path: what, reason }, `file tail: not following ${what}: ${reason}`);
    }
    for (const what of this.unreadable.keys()) {
      if (!now.has(what)) this.options.logger.info({ path: what }, `file tail: ${what} is readable now`);
    }
    this.unreadable = now;
  }

  private async scan(): Promise<Map<string, { path: string; size: number }>> {
    const found = new Map<string, { path: string; size: number }>();
    for (const pattern of this.options.patterns) {
      const { paths, glob, failure } = await expandPattern(pattern);
      if (failure !== undefined) this.polled.set(pattern, failure);
      for (const path of paths) {
        try {
          const stats = await stat(path);
          if (stats.isFile()) found.set(fileKey(stats), { path, size: stats.size });
          else this.polled.set(path, stats.isDirectory() ? `a directory; name its files, e.g. ${join(path, '*.log')}` : 'not a regular file');
        } catch (error) {
          // A file of a glob gone between listing and stat is not worth a word: the next poll sees it.
          if (!glob || (error as NodeJS.ErrnoException).code !== 'ENOENT') this.polled.set(path, describeFailure(error));
        }
      }
    }
    return found;
  }

  private async follow(key: string, path: string, size: number): Promise<void> {
    const skipped = this.notText.get(key);
    if (skipped !== undefined) {
      this.polled.set(path, skipped);
      return;
    }
    let file = this.files.get(key);
    if (file === undefined) {
      let handle: FileHandle;
      try {
        // Opened now and kept open: after a rotation the rest is read through this descriptor.
        handle = await open(path, 'r');
      } catch (error) {
        this.polled.set(path, describeFailure(error));
        return;
      }
      const head = await readHead(handle, size);
      const start = this.startOffset(key, path, size, head);
      file = tailedFile(key, path, handle, start, head);
      const reason = head.length > 0 ? notTextReason(head) : undefined;
      if (reason !== undefined) return this.skipNotText(file, reason);
      this.files.set(key, file);
      this.options.logger.info({ path, offset: start }, 'following file');
    }
    file.path = path;
    file.rotated = undefined;
    file.finished = false;
    if (size < file.readOffset) {
      this.options.logger.info({ path, size, offset: file.readOffset }, 'file truncated; reading from the start');
      file.readOffset = 0;
      file.committedOffset = 0;
      file.head = Buffer.alloc(0);
      file.skipping = false;
      file.generation++;
      this.saveOffsets();
    }
    if (size > file.readOffset) await this.readAvailable(file);
  }

  /**
   * Where a newly seen file is read from: its saved offset if it is the file saved; else its start
   * if it is new since the last run (another file's path, or its inode number reused) or appeared
   * after start-up; the end only at a first start told to, with nothing saved for its path.
   */
  private startOffset(key: string, path: string, size: number, head: Buffer): number {
    const saved = this.saved.get(key);
    this.saved.delete(key);
    if (saved !== undefined) {
      if (isSavedFile(saved, size, head)) return saved.offset;
      this.warnRestLost(saved, { why: `${inodeReusedWhy(path)}; ${path} is read from its start` });
      return 0;
    }
    return this.firstScan && this.options.startAt === 'end' && !this.savedPaths.has(path) ? size : 0;
  }

  private async readAvailable(file: TailedFile): Promise<'end_of_file' | 'paused'> {
    while (file.handle !== undefined && !this.stopped && this.options.hasRoom()) {
      const chunk = Buffer.allocUnsafe(this.chunkBytes);
      const { bytesRead } = await file.handle.read(chunk, 0, chunk.length, file.readOffset);
      this.extendHead(file, chunk.subarray(0, bytesRead), file.readOffset);
      const reason = file.readOffset === 0 && bytesRead > 0 ? notTextReason(chunk.subarray(0, bytesRead)) : undefined;
      if (reason !== undefined) {
        await this.skipNotText(file, reason);
        return 'end_of_file';
      }
      const consumed = bytesRead === 0 ? 'wait_for_data' : this.consume(file, chunk.subarray(0, bytesRead));
      if (consumed === 'wait_for_data') return 'end_of_file';
      if (consumed === 'no_room') return 'paused';
    }
    return file.handle === undefined ? 'end_of_file' : 'paused';
  }

  /** Adds to `file.head` what `bytes`, read at `at`, hold of the file's first HEAD_BYTES. */
  private extendHead(file: TailedFile, bytes: Buffer, at: number): void {
    const have = file.head.length;
    if (have >= HEAD_BYTES || at > have || at + bytes.length <= have) return;
    file.head = Buffer.concat([file.head, bytes.subarray(have - at, HEAD_BYTES - at)]);
  }

  /** Stops following a file that turned out to be compressed or UTF-16, and lists it as not followed. */
  private async skipNotText(file: TailedFile, reason: string): Promise<void> {
    this.notText.set(file.key, reason);
    this.polled.set(file.path, reason);
    this.files.delete(file.key);
    await this.closeHandle(file);
  }

  /** Hands over the complete lines of a chunk. */
  private consume(file: TailedFile, data: Buffer): Consumed {
    if (file.skipping) {
      const newline = data.indexOf(NEWLINE);
      file.readOffset += newline === -1 ? data.length : newline + 1;
      file.skipping = newline === -1;
      return 'read';
    }
    const lastNewline = data.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      if (data.length > this.options.maxLineBytes + 1) {
        const consumed = this.handOver(file, data, data.length);
        if (consumed === 'read') file.skipping = true;
        return consumed;
      }
      // A rotated-away file that stopped growing: its unterminated last line is complete.
      if (file.finished) return this.handOver(file, data, data.length);
      return 'wait_for_data';
    }
    return this.handOver(file, data.subarray(0, lastNewline + 1), lastNewline + 1);
  }

  /**
   * Hands lines over and moves past them. Room is checked again here because another input may
   * have filled the buffer while the chunk was read: then the lines stay unread, to be read again.
   */
  private handOver(file: TailedFile, bytes: Buffer, consumed: number): Consumed {
    if (!this.options.hasRoom()) return 'no_room';
    const items: IngestItem[] = [];
    itemsFromLines(bytes, this.options.maxLineBytes, (item) => items.push(item));
    const start = file.readOffset;
    const skipping = file.skipping;
    const end = start + consumed;
    const generation = file.generation;
    file.readOffset = end;
    this.options.ingest(items, file.path).then(
      () => this.commit(file, generation, end),
      (error: unknown) => this.refused(file, { generation, start, skipping }, error),
    );
    return 'read';
  }

  /**
   * Lines the buffer refused as full are read again from their start; acknowledgements of what was
   * handed over after them no longer count, as that is read again too. Other refusals (the
   * collector stopping, Kafka refusing the records) leave the lines uncommitted.
   */
  private refused(file: TailedFile, chunk: { generation: number; start: number; skipping: boolean }, error: unknown): void {
    if (!isVigilError(error, 'VIGIL_BACKPRESSURE')) {
      const why = isVigilError(error, 'VIGIL_SHUTDOWN') ? 'file lines not published before the collector stopped; they are read again at the next start' : 'file lines not published';
      this.options.logger.warn({ err: error, path: file.path }, why);
      return;
    }
    if (file.generation !== chunk.generation || file.readOffset < chunk.start) return;
    this.options.logger.debug({ path: file.path, offset: chunk.start }, 'file lines refused by the full buffer; reading them again');
    file.readOffset = chunk.start;
    file.skipping = chunk.skipping;
    file.generation++;
  }

  private commit(file: TailedFile, generation: number, offset: number): void {
    if (file.generation !== generation || offset <= file.committedOffset) return;
    file.committedOffset = offset;
    this.saveOffsets();
  }

  /** Writes the offsets in the background; a failed write is logged, and the next one tries again. */
  private saveOffsets(): void {
    void this.persist().catch((error: unknown) => this.options.logger.error({ err: error }, 'could not save file offsets'));
  }

  private offsetSnapshot(): OffsetMap {
    const snapshot: OffsetMap = new Map();
    for (const file of this.files.values()) snapshot.set(file.key, { path: file.path, offset: file.committedOffset, head: digest(file.head) });
    return snapshot;
  }

  private async closeHandle(file: TailedFile): Promise<void> {
    const handle = file.handle;
    file.handle = undefined;
    await handle?.close();
  }
}
