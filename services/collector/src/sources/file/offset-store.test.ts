import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/contract';
import { OffsetStore } from './offset-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-offsets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The error load() stops with, or undefined when it does not. */
async function loadError(store: OffsetStore): Promise<unknown> {
  return store.load().then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('OffsetStore.load', () => {
  // Each of these was "vigil: unexpected error: ..." with a stack trace from inside the collector.
  it('names VIGIL_FILE_STATE_DIR when the directory cannot be made (a file stands in its path)', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const error = await loadError(new OffsetStore(join(dir, 'a-file', 'state')));
    expect(isVigilError(error, 'VIGIL_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/^VIGIL_FILE_STATE_DIR: cannot read .*file-offsets\.json \(ENOTDIR\); give a directory .* e\.g\. VIGIL_FILE_STATE_DIR=\/var\/lib\/vigil$/);
  });

  it('names the state file and what to do when it is not JSON Vigil wrote', async () => {
    const state = join(dir, 'state');
    mkdirSync(state);
    writeFileSync(join(state, 'file-offsets.json'), '{"v":1,"files":{');
    const error = await loadError(new OffsetStore(state));
    expect(isVigilError(error, 'VIGIL_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain(`VIGIL_FILE_STATE_DIR: ${join(state, 'file-offsets.json')} is not a file-offsets file Vigil wrote`);
    expect((error as Error).message).toContain('move it away');
  });

  it('makes a missing directory at start-up, so one it cannot make stops start-up rather than the first save', async () => {
    const state = join(dir, 'new', 'state');
    await expect(new OffsetStore(state).load()).resolves.toEqual(new Map());
    expect(existsSync(state)).toBe(true);
  });

  it('reads back what it saved', async () => {
    const store = new OffsetStore(join(dir, 'state'));
    await store.save(new Map([['1:2', { path: '/var/log/a.log', offset: 42 }]]));
    await expect(new OffsetStore(join(dir, 'state')).load()).resolves.toEqual(new Map([['1:2', { path: '/var/log/a.log', offset: 42 }]]));
  });
});
