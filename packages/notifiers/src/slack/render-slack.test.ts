import { describe, expect, it } from 'vitest';
import { TONE_COLOURS } from '../content/alert-view';
import { hostileNotification, sampleAnomaly, sampleNotification } from '../sample-notification';
import { codeSpan, escapeMrkdwn, inertProse, renderSlack } from './render-slack';

/** Every mrkdwn string of a message, where Slack would interpret control sequences. */
function mrkdwnTexts(message: ReturnType<typeof renderSlack>): string[] {
  const texts = [message.text, message.attachments[0].fallback];
  for (const block of message.attachments[0].blocks) {
    if ('text' in block && block.text.type === 'mrkdwn') texts.push(block.text.text);
    if ('fields' in block) texts.push(...(block.fields ?? []).map((field) => field.text));
    if (block.type === 'context') texts.push(...block.elements.map((element) => element.text));
  }
  return texts;
}

/** Request data that Slack would turn into formatting, links and pings if it reached mrkdwn as prose. */
const MARKUP = {
  path: '/*admin*/_debug_/~old~/@here',
  userAgent: 'Mozilla/5.0 *FREE* _gift_ ~x~ at https://evil.example/phish or evil.example @channel #general :skull:',
  clientId: '@here',
} as const;

function markupNotification() {
  const anomaly = sampleAnomaly({
    entity: { kind: 'client', key: MARKUP.clientId },
    summary: `Client ${MARKUP.clientId} with user agent ${MARKUP.userAgent} hit GET ${MARKUP.path} *now*, see https://evil.example/phish @channel 1,240 times.`,
    evidence: {
      topRoutes: [{ key: `GET ${MARKUP.path}`, count: 900 }],
      topClients: [{ key: MARKUP.userAgent, count: 200 }],
      sampleRequestIds: [],
      recent: [],
    },
  });
  return sampleNotification({ anomaly });
}

// Vigil's own markup: the tone emoji that opens the headline and the bold field labels.
const OWN_MARKUP = /^:[a-z_]+: |\*(?:Entity|Observed|Expected|Score|Window|Recent|Top clients|Top routes|Sample requests|First checks|Alerts in this summary|Also in this incident)\*/g;

/** What Slack would read as mrkdwn: the text with its inline code spans and Vigil's own markup taken out. */
function outsideCode(text: string): string {
  return text.replace(/`[^`\n]*`/g, ' ').replace(OWN_MARKUP, ' ');
}

describe('renderSlack', () => {
  it('escapes the three mrkdwn control characters', () => {
    expect(escapeMrkdwn('a & <!channel> <https://x|y>')).toBe('a &amp; &lt;!channel&gt; &lt;https://x|y&gt;');
  });

  it('keeps a backtick from closing a code span', () => {
    expect(codeSpan('a`b')).toBe('`aˋb`');
  });

  it('leaves no raw <, > or control character in any mrkdwn text of a hostile alert', () => {
    for (const text of mrkdwnTexts(renderSlack(hostileNotification()))) {
      expect(text).not.toMatch(/[<>\u0000-\u0009\u000b-\u001f]/);
    }
  });

  it('shows the hostile path and the <!channel> user agent as escaped text', () => {
    const json = JSON.stringify(renderSlack(hostileNotification()));
    expect(json).toContain('GET /&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('&lt;https://evil.example|click&gt;');
    expect(json).not.toContain('<!channel>');
  });

  it('keeps hostile paths and user agents inside code spans in the summary, text and fallback', () => {
    const message = renderSlack(markupNotification());
    for (const text of mrkdwnTexts(message)) {
      expect(outsideCode(text)).not.toMatch(/[*_~@#<>&`]|https?:|evil|:[a-z]+:/);
    }
    const [summary] = mrkdwnTexts(message).slice(2);
    expect(summary).toContain(`\`GET ${MARKUP.path}\``);
    expect(summary).toContain(`\`${MARKUP.userAgent}\``);
    expect(summary).toContain('`@here`');
    expect(summary).toContain('`*now*`, see `https://evil.example/phish @channel` 1,240 times.');
    expect(message.text).toBe(':red_circle: [Vigil CRITICAL] `traffic-spike` on client `@here`');
    expect(message.attachments[0].fallback).toBe(message.text);
  });

  it('marks every mrkdwn text object verbatim so Slack neither links URLs nor expands mentions', () => {
    const blocks = renderSlack(markupNotification()).attachments[0].blocks;
    const objects = blocks.flatMap((block) => [...('text' in block ? [block.text] : []), ...('fields' in block ? (block.fields ?? []) : []), ...(block.type === 'context' ? block.elements : [])]);
    const mrkdwn = objects.filter((object) => object.type === 'mrkdwn');
    expect(mrkdwn.length).toBeGreaterThan(5);
    for (const object of mrkdwn) expect(object).toMatchObject({ verbatim: true });
  });

  it('leaves plain words and numbers of a summary as prose and quotes the rest', () => {
    expect(inertProse('client 1.2.3.4 made 900 requests in one bucket, expected 85.5 (12×)', [])).toBe(
      'client `1.2.3.4` made 900 requests in one bucket, expected 85.5 (12×)',
    );
    expect(inertProse('route GET /users/{id} (checkout-api): 40 of 50 failed', ['GET /users/{id}'])).toBe(
      'route `GET /users/{id}` (checkout-api): 40 of 50 failed',
    );
    expect(inertProse('see *this* and _that_ at evil.example now', [])).toBe('see `*this*` and `_that_` at `evil.example` now');
    expect(inertProse('a`b <!here>', [])).toBe('`aˋb &lt;!here&gt;`');
  });

  it('leaves the punctuation that ends a key or quoted run outside its code span', () => {
    // A ratio-surge summary: the client key is followed by a colon.
    expect(inertProse('client 10.0.0.7: 40 of 50 requests failed', ['10.0.0.7'])).toBe('client `10.0.0.7`: 40 of 50 requests failed');
    expect(inertProse('route GET /login: 40 of 50 failed', ['GET /login'])).toBe('route `GET /login`: 40 of 50 failed');
    expect(inertProse('seen at evil.example/a, then evil.example/b.', [])).toBe('seen at `evil.example/a`, then `evil.example/b`.');
    expect(inertProse('odd *one*?! here', [])).toBe('odd `*one*`?! here');
    // Punctuation alone is no key and no span of its own.
    expect(inertProse('wait ... :: done', [])).toBe('wait `... ::` done');
  });

  it('leaves a closing parenthesis opened in an earlier word outside the code span', () => {
    expect(inertProse('service - (unnamed: set VIGIL_DEFAULT_SERVICE): 48 of 96 requests', ['-'])).toBe(
      'service `-` (unnamed: set `VIGIL_DEFAULT_SERVICE`): 48 of 96 requests',
    );
    expect(inertProse('see (f_x) and g_(y)', [])).toBe('see `(f_x)` and `g_(y)`');
  });

  it('renders a ratio-surge client alert with the colon after the client code span', () => {
    const anomaly = sampleAnomaly({
      entity: { kind: 'client', key: '10.0.0.7' },
      summary: 'client 10.0.0.7: 40 of 50 requests were server errors (80%, normally 1%)',
    });
    const [summary] = mrkdwnTexts(renderSlack(sampleNotification({ anomaly }))).slice(2);
    expect(summary).toContain('client `10.0.0.7`: 40 of 50 requests were server errors (80%, normally 1%)');
  });

  it('colours the attachment by severity and green once resolved', () => {
    expect(renderSlack(sampleNotification()).attachments[0].color).toBe(TONE_COLOURS.critical);
    expect(renderSlack(sampleNotification({ anomaly: sampleAnomaly({ severity: 'warning' }) })).attachments[0].color).toBe(TONE_COLOURS.warning);
    expect(renderSlack(sampleNotification({ anomaly: sampleAnomaly({ severity: 'info' }) })).attachments[0].color).toBe(TONE_COLOURS.info);
    expect(renderSlack(sampleNotification({ kind: 'resolved' })).attachments[0].color).toBe(TONE_COLOURS.resolved);
  });

  it('carries observed, expected, score, sparkline, window, top keys and the anomaly id', () => {
    const json = JSON.stringify(renderSlack(sampleNotification()));
    for (const expected of ['1,240', '85.5', '0.97', '▁', '█', '2025-01-15T09:30:00.000Z', 'POST /login', '1.2.3.4', 'an-7f3c2a91']) {
      expect(json).toContain(expected);
    }
  });

  it('lists the sample request ids to look up in the gateway logs, in code spans', () => {
    const message = renderSlack(sampleNotification());
    const section = mrkdwnTexts(message).find((text) => text.startsWith('*Sample requests*'));
    expect(section).toBe('*Sample requests*\n• `req-01`\n• `req-02`');
    expect(JSON.stringify(renderSlack(hostileNotification()))).toContain('`req-&lt;b&gt;1&lt;/b&gt;`');
  });

  it('lists the folded alerts in a summary and counts the ones that did not fit', () => {
    const suppressed = Array.from({ length: 40 }, (_, i) => sampleAnomaly({ id: `a${i}`, detector: `detector-${i}` }));
    const json = JSON.stringify(renderSlack(sampleNotification({ kind: 'summary', anomaly: suppressed[0]!, suppressed })));
    expect(json).toContain('detector-19');
    expect(json).toContain('and 20 more');
  });

  it('names every related alert of a correlated incident, in the headline count and a list, with hostile keys in code spans', () => {
    const related = [
      sampleAnomaly({ id: 'r', detector: 'auth-failure-surge', entity: { kind: 'route', key: 'POST /login', service: 'accounts' } }),
      sampleAnomaly({ id: 's', detector: 'traffic-spike', entity: { kind: 'client', key: MARKUP.userAgent }, state: 'resolved' }),
    ];
    const message = renderSlack(sampleNotification({ kind: 'updated', related }));
    expect(message.text).toMatch(/on client `1\.2\.3\.4` and 2 related alerts$/);
    const json = JSON.stringify(message);
    expect(json).toContain('*Also in this incident*');
    expect(json).toContain('CRITICAL `auth-failure-surge` on `route POST /login (accounts)`');
    expect(json).toContain('RESOLVED `traffic-spike`');
    for (const text of mrkdwnTexts(message)) expect(outsideCode(text)).not.toMatch(/[*_~@#<>]|https?:/);
  });

  it('stays within Slack block limits even when every key is long and hostile', () => {
    const long = '<&>'.repeat(400);
    const anomaly = sampleAnomaly({
      entity: { kind: 'client', key: long },
      summary: long,
      evidence: { topRoutes: Array.from({ length: 5 }, () => ({ key: long, count: 1 })), topClients: [], sampleRequestIds: Array.from({ length: 5 }, () => long), recent: [] },
    });
    const message = renderSlack(sampleNotification({ anomaly }));
    for (const text of mrkdwnTexts(message).slice(1)) expect(text.length).toBeLessThanOrEqual(3000);
  });
});
