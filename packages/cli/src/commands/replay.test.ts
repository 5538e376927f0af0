import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ApiAccessEvent } from '@vigil/contract';
import { validateAnomaly } from '@vigil/contract';
import { simulateTraffic } from '@vigil/detection';
import { describe, expect, it } from 'vitest';
import { run } from './replay';
import { capturedIo, tempFile } from '../captured-io';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An nginx "combined" line for a simulated event. */
function combinedLine(e: ApiAccessEvent): string {
  const d = new Date(e.time);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
  return `${e.client.ip} - - [${time}] "${e.request.method} ${e.request.path} HTTP/1.1" ${e.response.status} ${e.response.bytes} "-" "sim/1.0"`;
}

function bruteForceLog(): string {
  const start = Date.UTC(2024, 2, 4, 12);
  const events = simulateTraffic({
    seed: 7,
    start,
    durationMs: 40 * 60_000,
    requestsPerSecond: 6,
    attacks: [{ kind: 'brute-force', start: start + 30 * 60_000, durationMs: 5 * 60_000 }],
  });
  return tempFile('access.log', `${[...events].map(combinedLine).join('\n')}\n`);
}

describe('vigil replay', () => {
  const file = bruteForceLog();

  it('prints the anomalies of a historical nginx log as Anomaly JSON lines', async () => {
    const c = capturedIo();
    expect(await run([file, '--format', 'nginx', '--json'], c.io)).toBe(0);
    const anomalies = c.out().trim().split('\n').map((l) => validateAnomaly(JSON.parse(l)));
    const bruteForce = anomalies.find((a) => a.detector === 'auth-failure-surge' && a.entity.key === '203.0.113.66');
    expect(bruteForce?.state).toBe('firing');
    expect(bruteForce?.window.start).toBeGreaterThanOrEqual(Date.UTC(2024, 2, 4, 12, 30));
    expect(c.err()).toMatch(/anomalies fired: .*auth-failure-surge/);
  });

  it('prints the C1 controls and bidi overrides of an attacker\'s paths only as escapes, in JSON and in the table', async () => {
    const hostile = tempFile(
      'access.log',
      readFileSync(file, 'utf8').replace(/^(203\.0\.113\.66 .*?"[A-Z]+ \S+)/gm, '$1\u009b2J\u202e'),
    );
    for (const args of [[hostile, '--json'], [hostile]]) {
      const c = capturedIo();
      expect(await run(args, c.io)).toBe(0);
      expect(c.out()).toContain('auth-failure-surge');
      expect(c.out()).not.toMatch(/[\u0080-\u009f\u202e]/);
    }
  });

  it('prints a readable table by default', async () => {
    const c = capturedIo();
    expect(await run([file, '--format=nginx'], c.io)).toBe(0);
    const lines = c.out().split('\n');
    expect(lines[0]).toMatch(/^window \(UTC\)\s+state\s+severity/);
    expect(lines.some((l) => /firing .*auth-failure-surge .*203\.0\.113\.66/.test(l))).toBe(true);
  });

  it('replays a JSON array of records as it replays the same records one per line', async () => {
    const start = Date.UTC(2024, 2, 4, 12);
    const events = [...simulateTraffic({ seed: 3, start, durationMs: 20 * 60_000, requestsPerSecond: 4 })];
    const record = (e: ApiAccessEvent) => ({
      ClientHost: e.client.ip,
      StartUTC: new Date(e.time).toISOString(),
      RequestMethod: e.request.method,
      RequestPath: e.request.path,
      RequestProtocol: 'HTTP/1.1',
      DownstreamStatus: e.response.status,
      DownstreamContentSize: e.response.bytes,
      Duration: 1_000_000,
    });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
    const array = join(dir, 'export.json');
    const ndjson = join(dir, 'export.ndjson');
    writeFileSync(array, JSON.stringify(events.map(record), null, 2));
    writeFileSync(ndjson, `${events.map((e) => JSON.stringify(record(e))).join('\n')}\n`);
    const [fromArray, fromLines] = [capturedIo(), capturedIo()];
    expect(await run([array, '--json'], fromArray.io)).toBe(0);
    expect(await run([ndjson, '--json'], fromLines.io)).toBe(0);
    expect(fromArray.err()).toMatch(new RegExp(`${events.length} lines, ${events.length} events, 0 skipped`));
    expect(fromArray.out()).toBe(fromLines.out());
  });

  it('replays a log logrotate compressed (access.log.2.gz) as it replays the plain one', async () => {
    const gz = tempFile('access.log.2.gz');
    // Two gzip members, as `cat a.gz b.gz` makes: zcat reads both, and so must replay.
    const text = readFileSync(file);
    const half = text.indexOf(10, text.length >> 1) + 1;
    writeFileSync(gz, Buffer.concat([gzipSync(text.subarray(0, half)), gzipSync(text.subarray(half))]));
    const [plain, zipped] = [capturedIo(), capturedIo()];
    expect(await run([file, '--json'], plain.io)).toBe(0);
    expect(await run([gz, '--json'], zipped.io)).toBe(0);
    expect(zipped.out()).not.toBe('');
    expect(zipped.out()).toBe(plain.out());
  });

  it('says a gzip\'d log is cut off rather than reading its bytes as lines', async () => {
    const gz = tempFile('access.log.gz');
    const whole = gzipSync(readFileSync(file));
    writeFileSync(gz, whole.subarray(0, whole.length >> 1));
    const c = capturedIo();
    expect(await run([gz], c.io)).toBe(1);
    expect(c.err()).toMatch(/cannot read .*access\.log\.gz: the gzip'd input is corrupt or cut off/);
    expect(c.err()).not.toMatch(/invalid_utf8/);
  });

  it('prints only the error, no table header, for a file it cannot read', async () => {
    const c = capturedIo();
    expect(await run([join(tmpdir(), 'vigil-replay-no-such-file.log')], c.io)).toBe(1);
    expect(c.err()).toMatch(/cannot read .*vigil-replay-no-such-file\.log/);
    expect(c.out()).toBe('');
  });

  it('counts an over-long line as skipped (line_too_long) and goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
    const log = join(dir, 'long.log');
    const good = '203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "x"';
    writeFileSync(log, `${good}\n${'a'.repeat(50_000)}\n${good}\n`);
    const c = capturedIo({ VIGIL_MAX_LINE_LENGTH: '1000' });
    expect(await run([log], c.io)).toBe(0);
    expect(c.err()).toMatch(/3 lines, 2 events, 1 skipped \(line_too_long=1\)/);
  });

  it('warns of a misspelt knob, naming the variable it was probably meant to be', async () => {
    const good = '203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "x"';
    const c = capturedIo({ VIGIL_TRAFIC_SPIKE_MIN_RATIO: '5' });
    expect(await run([tempFile('one.log', `${good}\n`)], c.io)).toBe(0);
    expect(c.err()).toMatch(/vigil replay: warning: .*VIGIL_TRAFIC_SPIKE_MIN_RATIO.*VIGIL_TRAFFIC_SPIKE_MIN_RATIO/);
  });

  it('rejects an unknown format with the usage exit code', async () => {
    const c = capturedIo();
    expect(await run([file, '--format', 'cobol'], c.io)).toBe(2);
    expect(c.err()).toContain('unknown format');
  });
});
