// The generated parts of the docs: the README configuration table and docs/errors.md.
// `pnpm gen:docs` writes them; test/docs/generated-docs.test.ts fails when they are stale.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigTable } from '@vigil/config';
import { ERROR_CODES } from '@vigil/contract';
import { CONFIG_SECTIONS } from '../packages/cli/src/config-sections';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const START = '<!-- generated:config-table:start (pnpm gen:docs) -->';
const END = '<!-- generated:config-table:end -->';

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`);
  return [
    '# Error codes',
    '',
    '<!-- generated from packages/contract/src/errors.ts by `pnpm gen:docs`; do not edit by hand -->',
    '',
    'Every error Vigil throws is a `VigilError` with a stable `code`, a `retryable` flag and a `cause`.',
    'Callers and scripts match on the code, never on the message. Messages say what to do.',
    '',
    '| code | meaning |',
    '|---|---|',
    ...rows,
    '',
  ].join('\n');
}

export function readmeWithConfigTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${START} ... ${END}`);
  return `${readme.slice(0, start + START.length)}\n\n${renderConfigTable(CONFIG_SECTIONS)}\n${readme.slice(end)}`;
}

export function writeGeneratedDocs(): void {
  const readmePath = `${ROOT}README.md`;
  writeFileSync(readmePath, readmeWithConfigTable(readFileSync(readmePath, 'utf8')));
  writeFileSync(`${ROOT}docs/errors.md`, renderErrorsDoc());
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) writeGeneratedDocs();
