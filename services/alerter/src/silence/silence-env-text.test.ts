import { alerterSchema, loadConfig } from '@vigil/config';
import { describe, expect, it } from 'vitest';
import type { Silence } from './silence';
import { lostSilencesMessage, silenceAsEnvItem } from './silence-env-text';

function silence(matchers: Silence['matchers'], endsAt: number | null = Date.UTC(2030, 0, 1)): Silence {
  return { v: 1, id: 'id', matchers, startsAt: 0, endsAt, createdBy: 'token:1', comment: '' };
}

describe('silenceAsEnvItem', () => {
  it('writes a silence the way VIGIL_SILENCES reads it back', () => {
    const made = silence({ detector: 'auth-failure-surge', entityKey: '203.0.113.*', route: 'POST /login' });
    const item = silenceAsEnvItem(made);
    expect(item).toBe('detector=auth-failure-surge,entityKey=203.0.113.*,route=POST /login,until=2030-01-01T00:00:00.000Z');
    expect(loadConfig(alerterSchema, { VIGIL_SILENCES: item }).staticSilences).toEqual([{ matchers: made.matchers, endsAt: made.endsAt }]);
  });

  it('gives nothing for a value VIGIL_SILENCES cannot hold', () => {
    expect(silenceAsEnvItem(silence({ entityKey: 'a,b' }))).toBeUndefined();
    expect(silenceAsEnvItem(silence({ entityKey: 'a;b' }))).toBeUndefined();
    expect(silenceAsEnvItem(silence({ entityKey: ' a' }))).toBeUndefined();
  });
});

describe('lostSilencesMessage', () => {
  it('names how many silences a stop loses and the VIGIL_SILENCES that keeps them, shell-quoted', () => {
    expect(lostSilencesMessage([silence({ entityKey: "o'neil" }), silence({ service: 'shop' }, null)])).toBe(
      'stopped with 2 silences made through the silence API; they are lost (the embedded mode keeps nothing across a restart).' +
        " To keep them, start with VIGIL_SILENCES='entityKey=o'\\''neil,until=2030-01-01T00:00:00.000Z;service=shop'",
    );
  });

  it('says which silences must be made again when VIGIL_SILENCES cannot hold them', () => {
    expect(lostSilencesMessage([silence({ service: 'shop' }), silence({ entityKey: 'a,b' })])).toMatch(
      /To keep 1 of them, start with VIGIL_SILENCES='service=shop,until=[^']+'; make the other 1 again through the silence API after the start/,
    );
    expect(lostSilencesMessage([silence({ entityKey: 'a,b' })])).toMatch(/it is lost .*\. Make it again through the silence API after the start/);
  });
});
