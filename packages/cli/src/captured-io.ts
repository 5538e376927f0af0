// A CommandIo whose output a test can read back: commands run in-process, no child needed.

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
