// What `vigil parse` and `vigil replay` share: a log file (or - for stdin), --format, and the
// parser the collector would build for it from the same VIGIL_* variables.

import { createReadStream } from 'node:fs';
import { formatsSchema, loadConfig, unknownVariableWarnings } from '@vigil/config';
import { eventParserOptionsFromConfig, FORMAT_NAMES, type EventParserOptions } from '@vigil/formats';
import { CONFIG_SECTIONS } from '../config-sections';
import type { CommandIo } from '../io';

const FORMAT_CHOICES = ['auto', ...FORMAT_NAMES];

/** The usage lines of a command that reads a log; `extra` follows [--format FORMAT]. */
export function logCommandUsage(command: string, extra = ''): string {
  return `usage: vigil ${command} <file|-> [--format FORMAT]${extra}\nformats: ${FORMAT_CHOICES.join(', ')}\n`;
}

export const FORMAT_OPTION_HELP = "  --format, -f FORMAT  the log's format (default: VIGIL_FORMAT, else auto, detected line by line)";

export interface LogArguments {
  file: string;
  format: string | undefined;
  /** The switches of `switches` that were given. */
  switches: Set<string>;
}

/** The file, --format and the given switches (e.g. --json); a string naming the problem when they are wrong. */
export function parseLogArguments(args: readonly string[], switches: readonly string[] = []): LogArguments | string {
  let file: string | undefined;
  let format: string | undefined;
  const given = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (switches.includes(arg)) given.add(arg);
    else if (arg === '--format' || arg === '-f') {
      format = args[++i];
      if (format === undefined) return '--format needs a value';
    } else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else if (arg.startsWith('-') && arg !== '-') return `unknown option "${arg}"`;
    else if (file === undefined) file = arg;
    else return `unexpected argument "${arg}"`;
  }
  if (file === undefined) return 'missing the log file (use - for stdin)';
  if (format !== undefined && !FORMAT_CHOICES.includes(format)) return `unknown format "${format}"`;
  return { file, format, switches: given };
}

/** The collector's parser options for this log: VIGIL_* variables, with --format over VIGIL_FORMAT. */
/**
 * The parser options from VIGIL_* and --format. Also warns on stderr of each VIGIL_* variable no
 * setting has (a misspelt knob would otherwise do nothing, silently, in the very run that tries it).
 */
export function logParserOptions(args: LogArguments, io: CommandIo, command: string): EventParserOptions {
  for (const warning of unknownVariableWarnings(io.env, CONFIG_SECTIONS.map((section) => section.schema))) io.stderr.write(`vigil ${command}: warning: ${warning}\n`);
  const config = loadConfig(formatsSchema, io.env);
  return eventParserOptionsFromConfig({ ...config, format: args.format ?? config.format });
}

export function openLog(args: LogArguments): NodeJS.ReadableStream {
  return args.file === '-' ? process.stdin : createReadStream(args.file);
}

/** The ParseContext source of this log. */
export function logSource(args: LogArguments): string {
  return args.file === '-' ? 'stdin' : `file:${args.file}`;
}
