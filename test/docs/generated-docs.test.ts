import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, readmeWithConfigTable, renderErrorsDoc } from '../../tools/generated-docs';

describe('generated documentation', () => {
  it('README configuration table matches the config schemas (run pnpm gen:docs)', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    expect(readmeWithConfigTable(readme)).toBe(readme);
  });

  it('docs/errors.md lists every VigilError code (run pnpm gen:docs)', () => {
    expect(readFileSync(`${ROOT}docs/errors.md`, 'utf8')).toBe(renderErrorsDoc());
  });
});
