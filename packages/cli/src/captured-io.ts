// A CommandIo whose output a test can read back: commands run in-process, no child needed.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Env } from '@vigil/config';
import type { CommandIo } from './io';

export interface CapturedIo {
  io: CommandIo;
  out(): string;
  err(): string;
}

export function capturedIo(env: Env = {}): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk) => out.push(String(chunk)));
  stderr.on('data', (chunk) => err.push(String(chunk)));
  return { io: { stdout, stderr, env }, out: () => out.join(''), err: () => err.join('') };
}

/** The path of `name` in a new temporary directory, written with `contents` when given. */
export function tempFile(name: string, contents?: string | Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-cli-')), name);
  if (contents !== undefined) writeFileSync(file, contents);
  return file;
}
