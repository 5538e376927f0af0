// What every command receives: its streams and environment, so tests can drive commands in-process.

import type { Env } from '@vigil/config';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Env;
}

export type CommandRun = (args: string[], io: CommandIo) => Promise<number>;

/** Exit code for wrong arguments (sysexits-like: 2 as most CLIs use). */
export const EXIT_USAGE = 2;
