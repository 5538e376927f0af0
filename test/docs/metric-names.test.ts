import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../tools/generated-docs';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('metric names', () => {
  it('come from the telemetry definitions (and so are in docs/metrics.md), never as literals in code', () => {
    const offenders = ['packages', 'services']
      .flatMap((top) => readdirSync(join(ROOT, top)).map((p) => join(ROOT, top, p, 'src')))
      .flatMap(sourceFiles)
      .filter((f) => /\.(counter|gauge|histogram)\(\s*['"`]vigil_/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
