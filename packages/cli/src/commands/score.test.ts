import { describe, expect, it } from 'vitest';
import { parseTimestamp, run } from './score';
import { capturedIo, tempFile } from '../captured-io';

const csvFile = (text: string) => tempFile('series.csv', text);

describe('vigil score', () => {
  it('writes timestamp,value,anomaly_score with a high score only for the spike', async () => {
    const rows = Array.from({ length: 80 }, (_, i) => `${1_700_000_000 + i * 60},${i === 70 ? 400 : 100 + ((i * 7) % 11) - 5}`);
    const c = capturedIo();
    expect(await run([csvFile(`timestamp,value\n${rows.join('\n')}\n`)], c.io)).toBe(0);
    const lines = c.out().trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(81);
    const scores = lines.slice(1).map((l) => Number(l.split(',')[2]));
    expect(scores[70]).toBeGreaterThan(0.95);
    expect(Math.max(...scores.filter((_, i) => i !== 70))).toBeLessThan(0.6);
    expect(lines[71]).toMatch(/^1700004200,400,(0\.9\d{3}|1\.0000)$/);
  });

  it('accepts a file without a header and reports bad rows on stderr', async () => {
    const c = capturedIo();
    expect(await run([csvFile('2024-01-01T00:00:00Z,1\n2024-01-01T00:01:00Z,oops\n2024-01-01T00:02:00Z,2\n')], c.io)).toBe(0);
    expect(c.out().trim().split('\n')).toHaveLength(3);
    expect(c.err()).toContain('line 2 skipped');
  });

  it('rejects a missing argument with the usage exit code', async () => {
    const c = capturedIo();
    expect(await run([], c.io)).toBe(2);
  });

  it('reads ISO timestamps and epoch seconds or milliseconds', () => {
    expect(parseTimestamp('2024-01-01T00:00:00Z')).toBe(Date.UTC(2024, 0, 1));
    expect(parseTimestamp('1704067200')).toBe(Date.UTC(2024, 0, 1));
    expect(parseTimestamp('1704067200000')).toBe(Date.UTC(2024, 0, 1));
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });
});
