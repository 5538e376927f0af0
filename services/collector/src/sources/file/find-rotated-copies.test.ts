import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRotatedCopies } from './find-rotated-copies';
import { fileKey } from './offset-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-rotated-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('findRotatedCopies', () => {
  it('finds files by device and inode whatever their names, and not through a symbolic link', async () => {
    writeFileSync(join(dir, 'access.log'), 'new\n');
    writeFileSync(join(dir, 'archived'), 'old\n');
    writeFileSync(join(dir, 'error.log.1'), 'error\n');
    symlinkSync(join(dir, 'archived'), join(dir, 'access.log.1'));
    mkdirSync(join(dir, 'access.log.d'));
    const keys = new Set([fileKey(statSync(join(dir, 'archived'))), fileKey(statSync(join(dir, 'error.log.1')))]);
    const { found, truncated } = await findRotatedCopies(dir, keys, ['access.log'], 100);
    expect(Object.fromEntries([...found.values()].map(({ path, size }) => [path, size]))).toEqual({ [join(dir, 'archived')]: 4, [join(dir, 'error.log.1')]: 6 });
    expect(truncated).toBe(false);
  });

  it('examines no more entries than it is allowed and says that there were more', async () => {
    for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, name), '');
    const gone = new Set(['0:0']);
    expect(await findRotatedCopies(dir, gone, [], 2)).toEqual({ found: new Map(), truncated: true });
    expect(await findRotatedCopies(dir, gone, [], 3)).toEqual({ found: new Map(), truncated: false });
  });
});
