import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Anomaly } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { run as demo } from './demo';
import { run as replay } from './replay';
import { capturedIo, tempFile } from '../captured-io';
import { main } from '../main';

describe('vigil demo', () => {
  it('writes a log with --output whose replay at default settings catches both incidents', async () => {
    const file = tempFile('demo.log');
    const written = capturedIo();
    expect(await demo(['--output', file, '--minutes', '3', '--seed', '5'], written.io)).toBe(0);
    expect(written.err()).toMatch(/Wrote \d+ lines \(3 min of demo traffic ending now, seed 5\)/);
    expect(readFileSync(file, 'utf8').split('\n').length).toBeGreaterThan(3 * 60 * 15);

    const replayed = capturedIo();
    expect(await replay([file, '--json'], replayed.io)).toBe(0);
    const firing = replayed
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Anomaly)
      .filter((a) => a.state === 'firing')
      .map((a) => `${a.detector} ${a.entity.kind} ${a.entity.key}`);
    expect(firing).toContain('auth-failure-surge client 203.0.113.66');
    expect(firing).toContain('error-surge service shop');
  });

  it('makes the same traffic for the same seed', async () => {
    const [a, b] = [capturedIo(), capturedIo()];
    await demo(['--output', '-', '--minutes', '0.2', '--seed', '9'], a.io);
    await demo(['--output', '-', '--minutes', '0.2', '--seed', '9'], b.io);
    const requestLines = (text: string) => text.split('\n').map((line) => line.replace(/"msec":"[^"]*",/, ''));
    expect(requestLines(a.out())).toEqual(requestLines(b.out()));
  });

  it.each([
    [['--minutes', 'soon'], '--minutes needs a non-negative number'],
    [['--minutes', '0'], '--minutes must be above 0'],
    [['--url'], '--url needs a value'],
    [['--frobnicate'], 'unknown argument "--frobnicate"'],
    // Each was "vigil: unexpected error: TypeError: Invalid URL" with a stack trace, or a fetch
    // failure about an unknown scheme.
    [['--url', 'notaurl'], '--url needs an http:// or https:// address, e.g. --url http://127.0.0.1:8080 (got "notaurl")'],
    [['--url', 'localhost:8080'], '--url needs an http:// or https:// address'],
  ])('refuses %j with usage and exit code 2', async (args, problem) => {
    const { io, err } = capturedIo();
    expect(await demo(args, io)).toBe(2);
    expect(err()).toContain(problem);
    expect(err()).toContain('usage: vigil demo');
  });

  it.each([
    ['a directory', () => dirname(tempFile('x'))],
    ['a file in a missing folder', () => join(dirname(tempFile('x')), 'missing', 'demo.log')],
  ])('names --output and why when it cannot be written (%s), without a stack trace', async (_what, path) => {
    const output = path();
    const { io, err } = capturedIo();
    expect(await demo(['--output', output, '--minutes', '0.1'], io)).toBe(1);
    expect(err()).toMatch(new RegExp(`^vigil demo: cannot write ${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (EISDIR|ENOENT)`));
    expect(err()).not.toContain('    at ');
  });

  it('prints every option with --help and exits 0', async () => {
    const { io, out } = capturedIo();
    expect(await main(['demo', '--help'], io)).toBe(0);
    for (const option of ['--url', '--token', '--minutes', '--seed', '--attack-after', '--output']) expect(out()).toContain(option);
  });

  it('asks for the address when VIGIL_HTTP_PORT=0 leaves the port to chance', async () => {
    const { io, err } = capturedIo({ VIGIL_HTTP_PORT: '0' });
    expect(await demo([], io)).toBe(2);
    expect(err()).toContain('--url http://127.0.0.1:8080');
  });
});
