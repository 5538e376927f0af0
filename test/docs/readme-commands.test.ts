import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../tools/generated-docs';

/** The shell command in the fenced block right after a `<!-- readme:NAME -->` marker. */
function readmeCommand(readme: string, marker: string): string {
  const match = new RegExp(`<!-- readme:${marker} -->\\s*\`\`\`sh\\n([^\\n]+)\\n\`\`\``).exec(readme);
  if (match?.[1] === undefined) throw new Error(`README.md has no command after <!-- readme:${marker} -->`);
  return match[1].trim();
}

describe('README commands', () => {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const ciScript = readFileSync(`${ROOT}.ci/run`, 'utf8');
  const ciCommands = ciScript.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

  it('CI runs exactly the README test command', () => {
    expect(ciCommands).toContain(readmeCommand(readme, 'test-command'));
  });

  it('the README test command runs the root test script', () => {
    expect(readmeCommand(readme, 'test-command')).toMatch(/pnpm@[\d.]+ test$/);
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toContain('vitest run');
  });

  it('the README run command starts the embedded all-in-one with the same pnpm as CI', () => {
    const run = readmeCommand(readme, 'run-command');
    expect(run).toMatch(/vigil start$/);
    const pnpmOf = (cmd: string) => /pnpm@[\d.]+/.exec(cmd)?.[0];
    expect(pnpmOf(run)).toBe(pnpmOf(readmeCommand(readme, 'test-command')));
  });
});

describe('launch flags', () => {
  it('the benchmarks start Vigil with the V8 flags of the "vigil" script, as users run it', async () => {
    const { VIGIL_NODE_FLAGS } = await import('../../bench/lib/detector-process');
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
    const flagsOf = (script: string | undefined) => (script ?? '').split(/\s+/).filter((word) => /^--max-semi-space-size=/.test(word));
    expect(flagsOf(pkg.scripts.vigil)).toEqual(VIGIL_NODE_FLAGS);
    expect(flagsOf(pkg.scripts.bench)).toEqual(VIGIL_NODE_FLAGS);
  });
});
