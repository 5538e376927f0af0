// `vigil demo` against a running `vigil start`, as the README tells a newcomer: no token to invent
// (start generates one and demo finds it), an alert within seconds, and clear errors otherwise.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpSink } from '../support/http-sink';
import { spawnVigil, type VigilProcess } from '../support/vigil-process';

describe('vigil demo', () => {
  let vigil: VigilProcess;
  let url: string;
  let demo: VigilProcess | undefined;
  // Its own working directory, so the generated .vigil/ingest-token never replaces a developer's.
  const cwd = mkdtempSync(join(tmpdir(), 'vigil-demo-e2e-'));

  beforeAll(async () => {
    vigil = spawnVigil(['start'], {
      KAFKA_BROKERS: undefined,
      VIGIL_INGEST_TOKENS: undefined,
      VIGIL_INGEST_TOKENS_FILE: undefined,
      VIGIL_HTTP_PORT: '0',
      // Five-second buckets hold about 20 of the brute force's guesses: past every gate, and quick.
      VIGIL_BUCKET_SECONDS: '5',
    }, { cwd });
    [, url = ''] = await vigil.waitForOutput(/HTTP on (http:\/\/127\.0\.0\.1:\d+)/);
    await vigil.waitForOutput(/Ingest token for this run: /);
  });

  afterEach(async () => {
    await demo?.stop('SIGINT');
    demo = undefined;
  });

  afterAll(async () => {
    await vigil?.stop('SIGINT');
    rmSync(cwd, { recursive: true, force: true });
  });

  it('feeds a running vigil start with the token it generated until an alert is printed', async () => {
    demo = spawnVigil(['demo', '--url', url, '--minutes', '1', '--attack-after', '2'], { VIGIL_INGEST_TOKENS: undefined }, { cwd });
    await demo.waitForOutput(/INCIDENT STARTS: brute force: 203\.0\.113\.66/, 20_000);
    expect(demo.stdout()).toContain('token from .vigil/ingest-token (written by vigil start)');
    await vigil.waitForOutput(/\[Vigil (INFO|WARNING|CRITICAL)\] auth-failure-surge on client 203\.0\.113\.66\n/, 40_000);
    expect(demo.stderr()).toBe('');
  });

  it('is named, with its address, in the hint vigil start prints when it listens elsewhere than the default', () => {
    expect(vigil.stdout()).toContain(`in another terminal: npx -y pnpm@10.34.8 vigil demo --url ${url}\n`);
  });

  it('stops after the first batch when Vigil rejects every line, and says why', async () => {
    const apacheOnly = spawnVigil(['start'], { KAFKA_BROKERS: undefined, VIGIL_HTTP_PORT: '0', VIGIL_INGEST_TOKENS: 'demo-e2e-token-0123456789', VIGIL_FORMAT: 'apache' }, { cwd });
    try {
      const [, apacheUrl = ''] = await apacheOnly.waitForOutput(/HTTP on (http:\/\/127\.0\.0\.1:\d+)/);
      demo = spawnVigil(['demo', '--url', apacheUrl, '--token', 'demo-e2e-token-0123456789', '--minutes', '1']);
      expect(await demo.exited()).toBe(1);
      expect(demo.stderr()).toContain(`Vigil at ${apacheUrl} rejected every line of the first batch`);
      expect(demo.stderr()).toContain('VIGIL_FORMAT');
      expect(demo.stdout()).not.toContain('first batch accepted');
    } finally {
      await apacheOnly.stop('SIGINT');
    }
  });

  it('says the token was refused and how to pass the right one', async () => {
    demo = spawnVigil(['demo', '--url', url, '--token', 'not-the-token']);
    expect(await demo.exited()).toBe(1);
    expect(demo.stderr()).toContain(`Vigil at ${url} refused the ingest token from --token`);
    expect(demo.stderr()).toContain('Ingest token for this run');
    expect(demo.stdout()).toBe('');
  });

  it('says Vigil is not reachable and how to start it', async () => {
    const closed = await startHttpSink();
    await closed.stop();
    demo = spawnVigil(['demo', '--url', closed.url, '--token', 'any']);
    expect(await demo.exited()).toBe(1);
    expect(demo.stderr()).toContain(`cannot reach Vigil at ${closed.url} (ECONNREFUSED)`);
    expect(demo.stderr()).toContain('vigil start');
  });
});
