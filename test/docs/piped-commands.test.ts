// `pnpm vigil ...` prints pnpm's own banner ("> vigil@0.1.0 vigil /path", "> node ...") on stdout
// before the command's output. A documented command whose stdout goes to a pipe, a file or a
// process substitution must run pnpm with --silent, or the reader gets the banner instead of
// events: `pnpm vigil parse access.log | head -3` printed only the banner and a blank line.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../tools/generated-docs';

const DOCS = ['README.md', ...readdirSync(`${ROOT}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** A pnpm vigil command without --silent whose stdout is captured: piped, redirected or substituted. */
const LOUD_AND_CAPTURED = /(<\(.*pnpm(@[\d.]+)? vigil\b|pnpm(@[\d.]+)? vigil (parse|replay|score|demo)\b[^|#`]*?(\|(?!\|)|(?<![2&])>(?!&)))/;

describe('documented commands whose output is captured', () => {
  it.each(DOCS)('%s runs pnpm with --silent where stdout is piped or redirected', (doc) => {
    const offenders = readFileSync(`${ROOT}${doc}`, 'utf8')
      .split('\n')
      .filter((line) => LOUD_AND_CAPTURED.test(line));
    expect(offenders).toEqual([]);
  });

  it('catches the commands it is for', () => {
    for (const line of [
      'npx -y pnpm@10.34.8 vigil parse /var/log/nginx/access.log | head -3',
      'pnpm vigil parse /var/log/nginx/access.log > events.ndjson',
      'diff <(npx -y pnpm@10.34.8 vigil replay demo.log 2>/dev/null) \\',
    ]) expect(line).toMatch(LOUD_AND_CAPTURED);
    for (const line of [
      'npx -y pnpm@10.34.8 --silent vigil parse /var/log/nginx/access.log | head -3',
      'zcat old.log.gz | pnpm vigil parse - --format apache',
      'npx -y pnpm@10.34.8 vigil replay demo.log 2>/dev/null',
      'npx -y pnpm@10.34.8 vigil demo --output demo.log --minutes 30',
    ]) expect(line).not.toMatch(LOUD_AND_CAPTURED);
  });
});
