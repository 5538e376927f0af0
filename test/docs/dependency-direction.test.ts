import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../tools/generated-docs';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](@vigil\/[a-z-]+)['"]/g)].map((m) => m[1] as string);
}

const SERVICES = ['@vigil/collector', '@vigil/detector', '@vigil/alerter'];
const IO_MODULES = /from ['"](node:(fs|net|http|https|dgram|child_process)|kafkajs|nodemailer|@slack\/webhook)['"]/;

describe('dependency direction', () => {
  it('packages other than the CLI never import a service', () => {
    const offenders = readdirSync(join(ROOT, 'packages'))
      .filter((p) => p !== 'cli')
      .flatMap((p) => sourceFiles(join(ROOT, 'packages', p, 'src')))
      .filter((f) => importsOf(f).some((i) => SERVICES.includes(i)))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('services never import each other', () => {
    const offenders = ['collector', 'detector', 'alerter'].flatMap((s) =>
      sourceFiles(join(ROOT, 'services', s, 'src'))
        .filter((f) => importsOf(f).some((i) => SERVICES.includes(i) && i !== `@vigil/${s}`))
        .map((f) => relative(ROOT, f)),
    );
    expect(offenders).toEqual([]);
  });

  it('the detection maths does no I/O and never reads the clock', () => {
    const offenders = sourceFiles(join(ROOT, 'packages', 'detection', 'src'))
      .filter((f) => !f.endsWith('.test.ts'))
      .filter((f) => {
        const text = readFileSync(f, 'utf8');
        return IO_MODULES.test(text) || /\bDate\.now\(|\bnew Date\(\)|performance\.now\(/.test(text);
      })
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
