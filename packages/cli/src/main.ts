// The vigil command: one composition root that dispatches to a command module.

import { readFileSync } from 'node:fs';
import { isVigilError } from '@vigil/contract';
import { EXIT_USAGE, type CommandIo, type CommandRun } from './io';

interface CommandEntry {
  summary: string;
  /** The module's HELP is what `vigil <command> --help` prints. */
  load: () => Promise<{ run: CommandRun; HELP: string }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  start: {
    summary: 'start [all|collector|detector|alerter]  run Vigil (all-in-one without KAFKA_BROKERS)',
    load: () => import('./commands/start'),
  },
  config: {
    summary: 'config [--markdown]                      print the effective configuration, secrets masked',
    load: () => import('./commands/config'),
  },
  parse: {
    summary: 'parse <file|-> [--format F]               parse a log into ApiAccessEvent JSON lines',
    load: () => import('./commands/parse'),
  },
  replay: {
    summary: 'replay <file> [--format F] [--json]       run the detectors over a historical log',
    load: () => import('./commands/replay'),
  },
  score: {
    summary: 'score <csv>                               score a timestamp,value series (0..1)',
    load: () => import('./commands/score'),
  },
  demo: {
    summary: 'demo [--url URL] [--token T]              send demo traffic with attacks to a running Vigil',
    load: () => import('./commands/demo'),
  },
  'test-alert': {
    summary: 'test-alert                                send a sample alert through every configured channel',
    load: () => import('./commands/test-alert'),
  },
};

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  vigil ${c.summary}`);
  return `Usage: vigil <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n"vigil <command> --help" describes one command; "vigil --version" prints the version.\nConfiguration is by environment variables: see README.md or run "vigil config".\n`;
}

/** The version of this checkout's vigil, from packages/cli/package.json. */
function vigilVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function isHelpFlag(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || isHelpFlag(name) || name === 'help') {
    const topic = name === 'help' ? args[0] : undefined;
    if (topic !== undefined && Object.hasOwn(COMMANDS, topic)) return main([topic, '--help'], io);
    io.stdout.write(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`vigil ${vigilVersion()} (Node.js ${process.version})\n`);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    io.stderr.write(`vigil: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    const command = await entry.load();
    // A file named -h is read as ./-h.
    if (args.some(isHelpFlag)) {
      io.stdout.write(command.HELP);
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    if (isVigilError(error, 'VIGIL_CONFIG_INVALID')) {
      io.stderr.write(`vigil: invalid configuration:\n${error.message}\n`);
      return 1;
    }
    if (isVigilError(error)) {
      io.stderr.write(`vigil: ${error.code}: ${error.message}\n`);
      return isVigilError(error, 'VIGIL_CLI_USAGE') ? EXIT_USAGE : 1;
    }
    throw error;
  }
}
