// The contract every notifier keeps, run once per channel against a real local server: it
// delivers, escapes hostile strings for its medium, classifies failures for the retry stage, and
// never leaks a secret into a reason.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS, hostileNotification, sampleNotification } from '@vigil/notifiers';
import type { NotifyResult } from '@vigil/notifiers';
import { CHANNEL_HARNESSES } from './channel-harnesses';
import type { ChannelFaults, RunningChannel } from './channel-harnesses';

const TIMEOUT_MS = 1_000;

/** Text a renderer must never pass through raw, whatever the medium. */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function expectNoSecret(result: NotifyResult, secrets: readonly string[]): void {
  const serialised = JSON.stringify(result);
  for (const secret of secrets) expect(serialised).not.toContain(secret);
}

for (const harness of CHANNEL_HARNESSES) {
  describe(`${harness.channel} notifier contract`, () => {
    let running: RunningChannel;

    beforeEach(async () => {
      running = await harness.start({ timeoutMs: TIMEOUT_MS });
    });

    afterEach(async () => {
      await running.stop();
    });

    it('delivers the detector, entity, observed value and anomaly id', async () => {
      expect(await running.notifier.send(sampleNotification())).toEqual({ ok: true });
      const { text } = await running.delivered(0);
      for (const fact of ['traffic-spike', '1.2.3.4', 'an-7f3c2a91']) expect(text).toContain(fact);
      expect(text).toMatch(/1,?240/);
    });

    it('delivers a hostile path and user agent without raw control characters', async () => {
      expect(await running.notifier.send(hostileNotification())).toEqual({ ok: true });
      const delivery = await running.delivered(0);
      expect(delivery.text).not.toMatch(CONTROL_CHARS);
      delivery.expectHostileInert();
    });

    const faults = (): ChannelFaults => running.faults!;
    if (harness.medium === 'stream') return;

    it('answers a transient server failure as retryable, then delivers on the next attempt', async () => {
      faults().failNextTransiently();
      const failed = await running.notifier.send(sampleNotification());
      expect(failed).toMatchObject({ ok: false, retryable: true });
      expectNoSecret(failed, running.secrets);
      expect(await running.notifier.send(sampleNotification())).toEqual({ ok: true });
    });

    it('answers a permanent rejection as not retryable', async () => {
      faults().failNextPermanently();
      const failed = await running.notifier.send(sampleNotification());
      expect(failed).toMatchObject({ ok: false, retryable: false });
      expectNoSecret(failed, running.secrets);
    });

    it('answers a refused connection as retryable without leaking a secret', async () => {
      await faults().stopServer();
      const failed = await running.notifier.send(sampleNotification());
      expect(failed).toMatchObject({ ok: false, retryable: true });
      expectNoSecret(failed, running.secrets);
    });

    if (harness.medium === 'http') {
      it('honours 429 Retry-After as a retryable failure with a delay', async () => {
        faults().rateLimitNext?.(7);
        const failed = await running.notifier.send(sampleNotification());
        expect(failed).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000 });
        expectNoSecret(failed, running.secrets);
      });

      it('answers a server that never responds as retryable once the timeout passes', async () => {
        faults().hangNext?.();
        const failed = await running.notifier.send(sampleNotification());
        expect(failed).toMatchObject({ ok: false, retryable: true, reason: 'no HTTP answer (timeout)' });
      });
    }
  });
}

describe('hostile strings in the shared sample', () => {
  it('carry the path and user agent the channels are tested with', () => {
    expect(HOSTILE_STRINGS.path).toBe('/<script>alert(1)</script>');
    expect(HOSTILE_STRINGS.userAgent).toContain('<!channel>');
  });
});
