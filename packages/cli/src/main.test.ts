import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capturedIo } from './captured-io';
import { main } from './main';

const COMMANDS = ['start', 'config', 'parse', 'replay', 'score', 'demo', 'test-alert'];

async function vigil(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const captured = capturedIo();
  const code = await main(argv, captured.io);
  return { code, out: captured.out(), err: captured.err() };
}

describe('vigil <command> --help', () => {
  it.each(COMMANDS)('vigil %s --help prints the usage of that command on stdout and exits 0, running nothing', async (command) => {
    for (const flag of ['--help', '-h']) {
      const { code, out, err } = await vigil(command, flag);
      expect(code).toBe(0);
      expect(out).toMatch(new RegExp(`^usage: vigil ${command}\\b`));
      expect(out.split('\n').length).toBeGreaterThan(3);
      expect(err).toBe('');
    }
  });

  it('takes the flag anywhere among the arguments, and "vigil help <command>" too', async () => {
    const after = await vigil('parse', 'some.log', '--format', 'nginx', '--help');
    expect(after.code).toBe(0);
    expect(after.out).toMatch(/^usage: vigil parse/);
    const topic = await vigil('help', 'replay');
    expect(topic.code).toBe(0);
    expect(topic.out).toMatch(/^usage: vigil replay/);
  });

  it('lists every command in the general usage, which points to the per-command help', async () => {
    const { code, out } = await vigil('--help');
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(out).toContain(`vigil ${command}`);
    expect(out).toContain('vigil <command> --help');
  });

  it('still rejects an unknown option with exit 2', async () => {
    const { code, err } = await vigil('config', '--bogus');
    expect(code).toBe(2);
    expect(err).toContain('usage: vigil config [--markdown] (got "--bogus")');
  });

  it('does not treat an inherited property name as a command', async () => {
    const { code, err } = await vigil('constructor');
    expect(code).toBe(2);
    expect(err).toContain('unknown command "constructor"');
  });
});

describe('vigil --version', () => {
  it('prints the version of the cli package', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V', 'version']) {
      const { code, out } = await vigil(flag);
      expect(code).toBe(0);
      expect(out).toBe(`vigil ${version} (Node.js ${process.version})\n`);
    }
  });
});

describe('vigil config', () => {
  it('prints URLs with their password and query values masked, and never echoes them in a problem', async () => {
    const env = {
      VIGIL_WEBHOOK_URL: 'https://user:hookpass@h.example/x?token=WEBHOOKTOK',
      VIGIL_ALERTMANAGER_URL: 'http://am:amPASS@host:9093',
      VIGIL_OTLP_TRACES_URL: 'http://o:otlpPASS@host/v1/traces',
      VIGIL_SLACK_WEBHOOK_URL: 'ftp://hooks.example/T0/B0/slackTOK',
    };
    const captured = capturedIo(env);
    const code = await main(['config'], captured.io);
    expect(code).toBe(1);
    // A secret whole, as receivers take their token in the path too.
    expect(captured.out()).toContain('VIGIL_WEBHOOK_URL=<secret>\n');
    expect(captured.out()).toContain('VIGIL_ALERTMANAGER_URL=http://am:<secret>@host:9093/\n');
    expect(captured.out()).toContain('VIGIL_OTLP_TRACES_URL=http://o:<secret>@host/v1/traces\n');
    expect(captured.err()).toContain('error: VIGIL_SLACK_WEBHOOK_URL must use https or http (got <secret>)');
    for (const secret of ['hookpass', 'WEBHOOKTOK', 'amPASS', 'otlpPASS', 'slackTOK']) expect(captured.out() + captured.err()).not.toContain(secret);
  });

  it('warns of a token short enough to guess, by its variable and length only', async () => {
    const captured = capturedIo({ VIGIL_ADMIN_TOKENS: 'adm-0123456789abcdef,letmein', VIGIL_INGEST_TOKENS: 'ing-0123456789abcdef' });
    expect(await main(['config'], captured.io)).toBe(0);
    expect(captured.err()).toBe('warning: VIGIL_ADMIN_TOKENS holds a token of 7 characters, which can be guessed; use at least 16 random characters, e.g. from "openssl rand -hex 24"\n');
  });
});
