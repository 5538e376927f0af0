import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VigilError } from '@vigil/contract';
import { createLogger } from '@vigil/telemetry';
import { PublishBuffer } from '../../sinks/publish-buffer';
import { itemSample, type IngestItem } from '../../transforms/ingest-item';
import { FileTailer, type FileTailerOptions } from './file-tailer';
import { OffsetStore } from './offset-store';
import { eventCarrying as carrying } from '../../sinks/event-carrying.test-helper';
import { capturedLogger, WARN } from '../../../../../test/support/captured-logger';

const logger = createLogger({ name: 'file-tailer-test', level: 'silent' });
let dir: string;
/** One per test, shared by its tailers as by a collector's restarts: one writer of the state file at a time. */
let store: OffsetStore;
const tailers: FileTailer[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-tail-'));
  store = new OffsetStore(join(dir, 'state'));
});
afterEach(async () => {
  // Saved as well, which waits for any write an acknowledgement started: it must not race the removal.
  for (const tailer of tailers.splice(0)) await stopAndSave(tailer);
  rmSync(dir, { recursive: true, force: true });
});

const describeItem = (item: IngestItem) => (item.kind === 'line' || item.kind === 'span' ? itemSample(item) : item.kind === 'invalid' ? `<${item.reason}>` : '<object>');

/** Stops a tailer and saves its offsets, as the collector does when it stops. */
async function stopAndSave(tailer: { stop(): Promise<void>; persist(): Promise<void> }): Promise<void> {
  await tailer.stop();
  await tailer.persist();
}

/** A tailer whose ingest records lines; `ack` decides whether Kafka "acknowledges" them. */
async function startTailer(patterns: string[], overrides: Partial<FileTailerOptions> & { ack?: () => boolean } = {}) {
  const lines: string[] = [];
  const sources: string[] = [];
  const tailer = new FileTailer({
    patterns,
    pollMs: 10,
    startAt: 'beginning',
    maxLineBytes: 1000,
    store,
    logger,
    hasRoom: () => true,
    ingest: (items, path) => {
      lines.push(...items.map(describeItem));
      sources.push(path);
      return overrides.ack === undefined || overrides.ack() ? Promise.resolve() : Promise.reject(new Error('not acknowledged'));
    },
    ...overrides,
  });
  tailers.push(tailer);
  await tailer.start();
  return { tailer, lines, sources };
}

/** Offsets in the state file, each with the path it was last seen at. */
const savedEntries = () => {
  const state = JSON.parse(readFileSync(join(dir, 'state', 'file-offsets.json'), 'utf8')) as { files: Record<string, { path: string; offset: number }> };
  return Object.values(state.files);
};
/** Offsets in the state file, by the path each was last seen at. */
const savedOffsets = () => Object.fromEntries(savedEntries().map((f) => [f.path, f.offset]));

/** A logger that keeps its records, for what the tailer said. */
const recordingLogger = () => capturedLogger('tail', 'info');

const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
const write = (path: string, lines: string[]) => appendFileSync(path, lines.map((l) => `${l}\n`).join(''));

describe('FileTailer', () => {
  it('reads complete lines as they are appended and waits for a line to end', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const { lines } = await startTailer([log]);
    write(log, numbered(1, 3));
    appendFileSync(log, 'partial');
    await vi.waitFor(() => expect(lines).toEqual(numbered(1, 3)));
    appendFileSync(log, ' line\n');
    await vi.waitFor(() => expect(lines).toEqual([...numbered(1, 3), 'partial line']));
  });

  it('starts at the end of files that exist at start-up when told to', async () => {
    const log = join(dir, 'access.log');
    write(log, ['old']);
    const { lines } = await startTailer([log], { startAt: 'end' });
    write(log, ['new']);
    await vi.waitFor(() => expect(lines).toEqual(['new']));
  });

  it('follows a rename rotation: finishes the old file, then reads the new one from its start', async () => {
    const log = join(dir, 'access.log');
    write(log, numbered(1, 2));
    const { lines } = await startTailer([log]);
    await vi.waitFor(() => expect(lines).toEqual(numbered(1, 2)));
    // Lines written just before the rename are read through the descriptor still open on the old file.
    write(log, numbered(3, 4));
    renameSync(log, `${log}.1`);
    write(log, numbered(5, 6));
    await vi.waitFor(() => expect(lines).toEqual(numbered(1, 6)));
  });

  it('keeps reading a rotated-away file the gateway still writes to, and waits for its last line to end', async () => {
    const log = join(dir, 'access.log');
    write(log, numbered(1, 2));
    const { lines } = await startTailer([log]);
    await vi.waitFor(() => expect(lines).toEqual(numbered(1, 2)));
    // nginx's descriptor: after logrotate's rename it writes to the old file until USR1 reopens the log.
    const gateway = openSync(log, 'a');
    renameSync(log, `${log}.1`);
    write(log, ['new 1']);
    await vi.waitFor(() => expect(lines).toContain('new 1'));
    appendFileSync(gateway, 'line 3\nline 4 half');
    write(log, ['new 2']);
    // The poll that read "new 2" had read the old file first, half-written line included.
    await vi.waitFor(() => expect(lines).toContain('new 2'));
    appendFileSync(gateway, ' written\n');
    closeSync(gateway);
    await vi.waitFor(() => expect(lines).toContain('line 4 half written'));
    expect([...lines].sort()).toEqual([...numbered(1, 3), 'line 4 half written', 'new 1', 'new 2'].sort());
  });

  it('takes the unterminated last line of a rotated-away file as complete once the file stopped growing', async () => {
    const log = join(dir, 'access.log');
    write(log, ['line 1']);
    const { lines } = await startTailer([log], { rotatedGraceMs: 30 });
    await vi.waitFor(() => expect(lines).toEqual(['line 1']));
    appendFileSync(log, 'cut short');
    renameSync(log, `${log}.1`);
    await vi.waitFor(() => expect(lines).toEqual(['line 1', 'cut short']));
  });

  it('skips what logrotate compresses under a glob such as access.log*, naming it, and reads on', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(`${log}.3.gz`, gzipSync(`${numbered(90, 99).join('\n')}\n`));
    writeFileSync(`${log}.4.xz`, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]));
    write(log, numbered(1, 2));
    const { tailer, lines } = await startTailer([`${log}*`]);
    await vi.waitFor(() => expect(lines).toEqual(numbered(1, 2)));
    expect(tailer.notFollowed().get(`${log}.3.gz`)).toMatch(/^gzip-compressed, as logrotate leaves a rotated log/);
    expect(tailer.notFollowed().get(`${log}.4.xz`)).toMatch(/^xz-compressed/);
    // A rotation: access.log → access.log.1, then access.log.1 compressed into a new file that
    // appears empty and fills up, as gzip writes it.
    write(log, numbered(3, 4));
    renameSync(log, `${log}.1`);
    write(log, numbered(5, 6));
    // Under a glob, the renamed file and the new one are both matched: their lines may interleave.
    await vi.waitFor(() => expect([...lines].sort()).toEqual(numbered(1, 6)));
    writeFileSync(`${log}.2.gz`, '');
    await new Promise((resolve) => setTimeout(resolve, 50));
    writeFileSync(`${log}.2.gz`, gzipSync(`${numbered(1, 4).join('\n')}\n`));
    rmSync(`${log}.1`);
    write(log, ['after']);
    await vi.waitFor(() => expect(lines).toHaveLength(7));
    expect(lines[6]).toBe('after');
    await vi.waitFor(() => expect(tailer.notFollowed().get(`${log}.2.gz`)).toMatch(/^gzip-compressed/));
    expect(lines.some((l) => l.startsWith('<'))).toBe(false);
  });

  it('lists a compressed file as not followed also when it starts at the end of existing files', async () => {
    writeFileSync(join(dir, 'access.log.2.gz'), gzipSync('line\n'));
    const { tailer } = await startTailer([join(dir, 'access.log*')], { startAt: 'end' });
    expect(tailer.notFollowed().get(join(dir, 'access.log.2.gz'))).toMatch(/^gzip-compressed/);
    expect(tailer.followed()).toEqual([]);
  });

  it('lists a UTF-16 file as not followed, read from its start or found at start-up, and reads the rest', async () => {
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    writeFileSync(join(dir, 'exported.log'), utf16('old line\n'));
    const log = join(dir, 'access.log');
    write(log, ['one']);
    const { tailer, lines } = await startTailer([join(dir, '*.log')]);
    await vi.waitFor(() => expect(lines).toEqual(['one']));
    expect(tailer.notFollowed().get(join(dir, 'exported.log'))).toMatch(/^UTF-16 text/);
    // One that appears empty and is then written.
    writeFileSync(join(dir, 'later.log'), '');
    await new Promise((resolve) => setTimeout(resolve, 50));
    writeFileSync(join(dir, 'later.log'), utf16('new line\n'));
    write(log, ['two']);
    await vi.waitFor(() => expect(tailer.notFollowed().get(join(dir, 'later.log'))).toMatch(/^UTF-16 text/));
    await vi.waitFor(() => expect(lines).toEqual(['one', 'two']));
  });

  it('starts again from 0 after copytruncate', async () => {
    const log = join(dir, 'access.log');
    write(log, numbered(1, 5));
    const { lines } = await startTailer([log]);
    await vi.waitFor(() => expect(lines).toEqual(numbered(1, 5)));
    truncateSync(log, 0);
    write(log, ['after']);
    await vi.waitFor(() => expect(lines).toEqual([...numbered(1, 5), 'after']));
  });

  it('follows new files that match a glob', async () => {
    const { lines, sources } = await startTailer([join(dir, 'logs', '*.log')]);
    const a = join(dir, 'logs', 'a.log');
    const ignored = join(dir, 'logs', 'a.txt');
    // Created after the tailer started: the glob's directory appears while it runs.
    mkdirSync(join(dir, 'logs'));
    write(a, ['from a']);
    write(ignored, ['not followed']);
    await vi.waitFor(() => expect(lines).toEqual(['from a']));
    expect(sources).toEqual([a]);
  });

  it('rejects an over-long line and goes on with the next', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(log, `${'x'.repeat(300_000)}\nshort\n`);
    const { lines } = await startTailer([log]);
    await vi.waitFor(() => expect(lines).toEqual(['<line_too_long>', 'short']));
  });

  it('resumes after a restart from the last acknowledged line: nothing lost, nothing sent twice', async () => {
    const log = join(dir, 'access.log');
    write(log, numbered(1, 3));
    const first = await startTailer([log]);
    await vi.waitFor(() => expect(first.lines).toEqual(numbered(1, 3)));
    await stopAndSave(first.tailer);

    let acknowledge = false;
    write(log, numbered(4, 5));
    const second = await startTailer([log], { ack: () => acknowledge });
    await vi.waitFor(() => expect(second.lines).toEqual(numbered(4, 5)));
    await stopAndSave(second.tailer);

    acknowledge = true;
    const third = await startTailer([log], { ack: () => acknowledge });
    await vi.waitFor(() => expect(third.lines).toEqual(numbered(4, 5)));
    write(log, ['line 6']);
    await vi.waitFor(() => expect(third.lines).toEqual(numbered(4, 6)));
  });

  it('reads from its start a file that took a followed one\'s path while stopped, even when told to start at the end', async () => {
    const log = join(dir, 'access.log');
    write(log, numbered(1, 2));
    const first = await startTailer([log], { startAt: 'end' });
    write(log, ['line 3']);
    await vi.waitFor(() => expect(first.lines).toEqual(['line 3']));
    await stopAndSave(first.tailer);

    renameSync(log, `${log}.1`);
    write(log, numbered(4, 6));
    const second = await startTailer([log], { startAt: 'end' });
    await vi.waitFor(() => expect(second.lines).toEqual(numbered(4, 6)));
  });

  // A file deleted and recreated while stopped may get the same inode number back (ext4 reuses
  // them); the same inode rewritten in place looks exactly like that to the tailer.
  it('reads from its start a file at the saved inode that holds other lines', async () => {
    const log = join(dir, 'access.log');
    write(log, numbered(1, 3));
    const first = await startTailer([log]);
    await vi.waitFor(() => expect(first.lines).toEqual(numbered(1, 3)));
    await stopAndSave(first.tailer);

    const other = Array.from({ length: 5 }, (_, i) => `other ${i + 1}`);
    writeFileSync(log, other.map((l) => `${l}\n`).join(''));
    const { records, logger } = recordingLogger();
    const second = await startTailer([log], { startAt: 'end', logger });
    await vi.waitFor(() => expect(second.lines).toEqual(other));
    // What the saved file held past its offset is gone, which is worth a warning.
    expect(records.filter((r) => r.level === WARN).map((r) => [r.path, r.offset])).toEqual([[log, 21]]);
  });

  it('reads from its start a file at the saved inode now shorter than the saved offset', async () => {
    const log = join(dir, 'access.log');
    write(log, numbered(1, 3));
    const first = await startTailer([log]);
    await vi.waitFor(() => expect(first.lines).toEqual(numbered(1, 3)));
    await stopAndSave(first.tailer);

    writeFileSync(log, 'new\n');
    const second = await startTailer([log], { startAt: 'end' });
    await vi.waitFor(() => expect(second.lines).toEqual(['new']));
  });

  describe('a file rotated away while stopped', () => {
    /** Follows access.log through lines 1-2, stops, then writes lines 3-4 and a cut-short line to it. */
    async function stoppedWithUnreadLines(patterns: string[]) {
      const log = join(dir, 'access.log');
      write(log, numbered(1, 2));
      const first = await startTailer(patterns);
      await vi.waitFor(() => expect(first.lines).toEqual(numbered(1, 2)));
      await stopAndSave(first.tailer);
      write(log, numbered(3, 4));
      appendFileSync(log, 'cut short');
      return log;
    }
    const unread = [...numbered(3, 4), 'cut short'];

    it('is found by its inode under whatever name it got, finished from its offset, then the new file read', async () => {
      const log = await stoppedWithUnreadLines([join(dir, 'access.log')]);
      renameSync(log, join(dir, 'access.log-20261129'));
      write(log, numbered(5, 6));
      const second = await startTailer([log], { rotatedGraceMs: 30 });
      // Its complete lines before the new file's; its cut-short last line once it has not grown for the grace.
      await vi.waitFor(() => expect(second.lines).toEqual([...numbered(3, 6), 'cut short']));
      // Dropped once read to its end, from the state file too: a crash now would not look for it again.
      await vi.waitFor(() => expect(savedEntries()).toEqual([{ path: log, offset: 14, head: expect.anything() }]));
      await stopAndSave(second.tailer);

      write(log, ['line 7']);
      const third = await startTailer([log]);
      await vi.waitFor(() => expect(third.lines).toEqual(['line 7']));
    });

    it('keeps its saved offset until its lines are acknowledged', async () => {
      const log = await stoppedWithUnreadLines([join(dir, 'access.log')]);
      renameSync(log, `${log}.1`);
      let acknowledge = false;
      const second = await startTailer([log], { rotatedGraceMs: 0, ack: () => acknowledge });
      await vi.waitFor(() => expect(second.lines).toEqual(unread));
      await stopAndSave(second.tailer);

      acknowledge = true;
      const third = await startTailer([log], { rotatedGraceMs: 0, ack: () => acknowledge });
      await vi.waitFor(() => expect(third.lines).toEqual(unread));
    });

    it('is said once to be lost when it is gone, naming its path, and the new file is read', async () => {
      const log = await stoppedWithUnreadLines([join(dir, 'access.log')]);
      // logrotate's compress: the copy becomes a new file, access.log.1.gz, and the renamed one is deleted.
      renameSync(log, `${log}.1`);
      write(log, numbered(5, 6));
      writeFileSync(`${log}.1.gz`, gzipSync(readFileSync(`${log}.1`)));
      rmSync(`${log}.1`);
      const { records, logger } = recordingLogger();
      const second = await startTailer([log], { logger });
      await vi.waitFor(() => expect(second.lines).toEqual(numbered(5, 6)));
      write(log, ['line 7']);
      await vi.waitFor(() => expect(second.lines).toEqual(numbered(5, 7)));
      const warnings = records.filter((r) => r.level === WARN);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ path: log, offset: 14 });
      expect(warnings[0]?.msg).toBe(
        `file tail: the rest of ${log} past byte 14 was not read (how many bytes is not known): it left its path while the collector was stopped and is not among the files of ${dir}: deleted, or compressed (which makes a new file)`,
      );
    });

    it('is not taken for a file that got its inode number but holds other lines', async () => {
      const log = await stoppedWithUnreadLines([join(dir, 'access.log')]);
      renameSync(log, `${log}.1`);
      // The same inode rewritten, as when the copy was deleted and its number reused for another file.
      writeFileSync(`${log}.1`, Array.from({ length: 9 }, (_, i) => `other ${i + 1}\n`).join(''));
      write(log, numbered(5, 6));
      const { records, logger } = recordingLogger();
      const second = await startTailer([log], { logger, rotatedGraceMs: 0 });
      await vi.waitFor(() => expect(second.lines).toEqual(numbered(5, 6)));
      write(log, ['line 7']);
      await vi.waitFor(() => expect(second.lines).toEqual(numbered(5, 7)));
      expect(records.filter((r) => r.level === WARN).map((r) => r.path)).toEqual([log]);
    });

    it('is read once under a glob that matches it too', async () => {
      const pattern = join(dir, 'access.log*');
      const log = await stoppedWithUnreadLines([pattern]);
      renameSync(log, `${log}.1`);
      write(log, numbered(5, 6));
      const second = await startTailer([pattern], { rotatedGraceMs: 0 });
      await vi.waitFor(() => expect(second.lines).toContain('line 6'));
      // Under a glob it is followed as any matched file, so its cut-short line waits for its end.
      write(`${log}.1`, ['line 7']);
      await vi.waitFor(() => expect(second.lines).toContain('cut shortline 7'));
      // A poll that reads the new file after the copy: any second read of the copy came before it.
      write(log, ['line 8']);
      await vi.waitFor(() => expect(second.lines).toContain('line 8'));
      expect([...second.lines].sort()).toEqual([...numbered(3, 6), 'cut shortline 7', 'line 8'].sort());
    });

    it('is left alone when its path is no longer followed', async () => {
      const log = await stoppedWithUnreadLines([join(dir, 'access.log')]);
      renameSync(log, `${log}.1`);
      const other = join(dir, 'other.log');
      write(other, ['other']);
      const { records, logger } = recordingLogger();
      const second = await startTailer([other], { logger, rotatedGraceMs: 0 });
      await vi.waitFor(() => expect(second.lines).toEqual(['other']));
      write(other, ['more']);
      await vi.waitFor(() => expect(second.lines).toEqual(['other', 'more']));
      expect(records.filter((r) => r.level === WARN)).toEqual([]);
    });
  });

  it('pauses reading while the buffer has no room', async () => {
    const log = join(dir, 'access.log');
    write(log, numbered(1, 2));
    let room = false;
    const { lines, tailer } = await startTailer([log], { hasRoom: () => room });
    expect(tailer.followed()).toEqual([log]);
    expect(lines).toEqual([]);
    room = true;
    await vi.waitFor(() => expect(lines).toEqual(numbered(1, 2)));
  });

  it('reads again the lines another input filled the buffer before, and never saves an offset past them', async () => {
    const log = join(dir, 'access.log');
    write(log, numbered(1, 3));
    let release = () => {};
    const kafkaBack = new Promise<void>((resolve) => (release = resolve));
    const published: string[] = [];
    const buffer = new PublishBuffer({
      maxItems: 10,
      maxItemsPerSend: 100,
      publish: async (entries) => {
        await kafkaBack;
        published.push(...entries.flatMap((e) => e.events.map((event) => event.request.path)));
      },
    });
    // Another input (HTTP, syslog) fills the buffer right after the tailer saw room, while its read is under way.
    let otherInputWaiting = true;
    const hasRoom = () => {
      const room = buffer.hasRoom();
      if (room && otherInputWaiting) {
        otherInputWaiting = false;
        void buffer.offer({ events: Array.from({ length: 10 }, () => carrying('other')), rejections: [] });
      }
      return room;
    };
    const { tailer } = await startTailer([log], {
      hasRoom,
      ingest: (items) => buffer.offer({ events: items.map((item) => carrying(describeItem(item))), rejections: [] }),
    });
    write(log, numbered(4, 6));
    release();
    await vi.waitFor(() => expect(published.filter((line) => line !== 'other')).toEqual(numbered(1, 6)));
    await tailer.stop();
    await buffer.drain(1000);
    await tailer.persist();
    expect(savedOffsets()[log]).toBe(statSync(log).size);
  });

  it('reads again lines the buffer refused as full', async () => {
    const log = join(dir, 'access.log');
    write(log, numbered(1, 3));
    let refusals = 1;
    const offered: string[] = [];
    const { tailer } = await startTailer([log], {
      ingest: (items) => {
        offered.push(...items.map(describeItem));
        if (refusals-- > 0) return Promise.reject(new VigilError('VIGIL_BACKPRESSURE', 'the collector buffer is full; retry in 1 s', { retryable: true }));
        return Promise.resolve();
      },
    });
    write(log, numbered(4, 5));
    await vi.waitFor(() => expect(offered).toEqual([...numbered(1, 3), ...numbered(1, 5)]));
    await tailer.stop();
    await tailer.persist();
    expect(savedOffsets()[log]).toBe(statSync(log).size);
  });

  it('says once, not every poll, why a pattern gives no file, and when it does again', async () => {
    const { records, logger } = recordingLogger();
    const log = join(dir, 'later.log');
    const { tailer, lines } = await startTailer([log], { logger });
    expect(tailer.notFollowed().get(log)).toMatch(/no such file yet/);
    await new Promise((resolve) => setTimeout(resolve, 100)); // about ten polls
    write(log, ['at last']);
    await vi.waitFor(() => expect(lines).toEqual(['at last']));
    expect(tailer.notFollowed().size).toBe(0);
    expect(records.filter((r) => r.msg.includes(`not following ${log}`))).toHaveLength(1);
    expect(records.filter((r) => r.msg.includes(`${log} is readable now`))).toHaveLength(1);
  });

  it('names what is wrong with a path it cannot follow', async () => {
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    const glob = join(dir, 'none', '*.log');
    const empty = join(dir, '*.gz');
    const { tailer } = await startTailer([join(file, 'x.log'), dir, glob, empty]);
    const reasons = tailer.notFollowed();
    expect(reasons.get(join(file, 'x.log'))).toMatch(/ENOTDIR/);
    expect(reasons.get(dir)).toBe(`a directory; name its files, e.g. ${join(dir, '*.log')}`);
    expect(reasons.get(glob)).toMatch(/no such directory yet/);
    expect(reasons.get(empty)).toMatch(/no file matches yet/);
  });
});
