// Runs the real `vigil` command as a child process (as a user would) and lets a test wait for
// what it prints.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = `${ROOT}packages/cli/src/bin.ts`;
// By URL, so the child finds tsx whatever its working directory.
const TSX_LOADER = pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href;

export interface VigilProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout, or rejects after timeoutMs or on exit. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (signals count as 128 + number, as shells do). */
  exited(): Promise<number>;
  stop(signal?: NodeJS.Signals): Promise<number>;
}

export interface SpawnOptions {
  /** Working directory (default the repository root); vigil start leaves .vigil/ there. */
  cwd?: string;
}

export function spawnVigil(args: string[], env: Record<string, string | undefined> = {}, options: SpawnOptions = {}): VigilProcess {
  // node --import tsx rather than the tsx wrapper, so signals (SIGKILL too) reach vigil itself.
  const child = spawn(process.execPath, ['--import', TSX_LOADER, BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const l of listeners) l();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  // 'close', not 'exit': a process that prints and exits at once can emit 'exit' before its last
  // stdout chunk has been read, and a waiter would then wrongly see it exit without printing.
  let closed = false;
  const exit = new Promise<number>((resolve) => {
    child.on('close', (code, signal) => {
      closed = true;
      for (const l of listeners) l();
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2));
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = out.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          } else if (closed) {
            cleanup();
            reject(new Error(`vigil exited (code ${child.exitCode}, signal ${child.signalCode}) before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}
