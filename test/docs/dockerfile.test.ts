// The Dockerfile cannot be built here (no Docker engine); what its install step needs is checked
// by reading it: `pnpm install --frozen-lockfile` fails in the image if a file it reads was not
// copied in before it.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../tools/generated-docs';

const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8').split('\n');
const installAt = dockerfile.findIndex((line) => /^RUN pnpm install --frozen-lockfile/.test(line));
/** Sources of every COPY before the install, as written. */
const copiedBeforeInstall = dockerfile
  .slice(0, installAt)
  .filter((line) => line.startsWith('COPY '))
  .flatMap((line) => line.slice(5).trim().split(/\s+/).slice(0, -1));

function isCopied(path: string): boolean {
  return copiedBeforeInstall.some((source) => path === source || path.startsWith(`${source.replace(/\/$/, '')}/`));
}

describe('Dockerfile', () => {
  it('installs with the lockfile', () => {
    expect(installAt).toBeGreaterThan(0);
  });

  it('copies in everything the install reads before it runs', () => {
    const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { pnpm?: { patchedDependencies?: Record<string, string> } };
    const workspace = parse(readFileSync(`${ROOT}pnpm-workspace.yaml`, 'utf8')) as { packages: string[] };
    const needed = [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      '.npmrc',
      ...Object.values(manifest.pnpm?.patchedDependencies ?? {}),
      ...workspace.packages.map((glob) => `${glob.replace(/\/\*$/, '')}/package.json`),
    ];
    expect(needed.filter((path) => !isCopied(path))).toEqual([]);
  });
});

describe('Dockerfile entrypoint', () => {
  it('runs Vigil under node itself, with the flags of the "vigil" script, so docker stop reaches it', () => {
    // "pnpm vigil" as PID 1 passed SIGTERM to the sh -c it runs the script in: sh died, Vigil was
    // left running without a signal and was killed with the container, never draining or
    // committing offsets, unlike what deployment.md promises for SIGTERM.
    const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
    const entrypoint = dockerfile.find((line) => line.startsWith('ENTRYPOINT '));
    expect(JSON.parse(entrypoint?.slice('ENTRYPOINT '.length) ?? 'null')).toEqual(manifest.scripts.vigil?.split(/\s+/));
  });
});

describe('Dockerfile state directory', () => {
  it('points VIGIL_FILE_STATE_DIR at a directory it gives the user Vigil runs as', () => {
    // The default, ./vigil-state, is under /app, which root owns: VIGIL_FILES in the image stopped
    // at start-up because the offsets could not be saved.
    const env = dockerfile.filter((line) => line.startsWith('ENV ')).join(' ');
    const stateDir = /VIGIL_FILE_STATE_DIR=(\S+)/.exec(env)?.[1];
    expect(stateDir).toBeDefined();
    const user = dockerfile.find((line) => line.startsWith('USER '))?.slice('USER '.length).trim();
    const userAt = dockerfile.findIndex((line) => line.startsWith('USER '));
    const owned = dockerfile.slice(0, userAt).some((line) => line.startsWith('RUN ') && line.includes(`mkdir -p ${stateDir}`) && line.includes(`chown ${user}:${user} ${stateDir}`));
    expect(owned).toBe(true);
  });
});
