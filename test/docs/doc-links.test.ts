import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectorSchema } from '@vigil/config';
import { detectorServiceSchema } from '@vigil/detector';
import { ROOT } from '../../tools/generated-docs';

describe('documentation', () => {
  it('every relative link in README.md and docs/ points at a file that exists', () => {
    const pages = ['README.md', ...readdirSync(`${ROOT}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const broken = pages.flatMap((page) => {
      const dir = page.includes('/') ? `${ROOT}docs/` : ROOT;
      return [...readFileSync(`${ROOT}${page}`, 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1] as string)
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(`${dir}${target}`))
        .map((target) => `${page} -> ${target}`);
    });
    expect(broken).toEqual([]);
  });

  it('README links every page in docs/', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const unlinked = readdirSync(`${ROOT}docs`)
      .filter((f) => f.endsWith('.md'))
      .filter((f) => !readme.includes(`(docs/${f})`));
    expect(unlinked).toEqual([]);
  });

  it('docs/tuning.md explains every detector variable', () => {
    const tuning = readFileSync(`${ROOT}docs/tuning.md`, 'utf8');
    const missing = [...Object.values(detectorSchema), ...Object.values(detectorServiceSchema)]
      .map((f) => f.env)
      // The six per-detector knobs are documented once, by detector prefix (VIGIL_TRAFFIC_SPIKE_).
      .map((name) => /^(VIGIL_[A-Z_]+_)(ENABLED|THRESHOLD|MIN_COUNT|MIN_RATIO|COOLDOWN_SECONDS|FOR_SECONDS|KEEP_FIRING_SECONDS)$/.exec(name)?.[1] ?? name)
      .filter((name) => !tuning.includes(name));
    expect(missing).toEqual([]);
  });
});
