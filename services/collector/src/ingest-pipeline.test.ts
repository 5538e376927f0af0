import type { RejectedInput } from '@vigil/contract';
import { createLogger, createTelemetry } from '@vigil/telemetry';
import { describe, expect, it, vi } from 'vitest';
import { countingMetrics } from './counting-metrics.test-helper';
import { IngestPipeline } from './ingest-pipeline';
import { parserSettings } from './parser-settings';
import { PublishBuffer, type PublishEntry } from './sinks/publish-buffer';
import { itemsFromLines, type IngestItem } from './transforms/ingest-item';
import { ParserRegistry } from './transforms/parser-registry';
import { capturedLogger } from '../../../test/support/captured-logger';

/** A pipeline with the default settings whose buffer hands what it publishes to the test. */
function pipeline(env: Record<string, string> = {}) {
  const published: PublishEntry[] = [];
  const buffer = new PublishBuffer({ maxItems: 1000, maxItemsPerSend: 1000, publish: async (entries) => void published.push(...entries) });
  const settings = parserSettings(env);
  const telemetry = createTelemetry('collector-test');
  const ingest = new IngestPipeline({
    buffer,
    parsers: new ParserRegistry(settings.options, settings.defaultFormat),
    metrics: telemetry.pipeline('collector'),
    tracer: telemetry.tracer,
    now: () => 0,
  });
  return { ingest, published: () => published.flatMap((entry) => entry.rejections) };
}

function lineItems(text: string, maxLineBytes = 65_536): IngestItem[] {
  const items: IngestItem[] = [];
  itemsFromLines(Buffer.from(text), maxLineBytes, (item) => items.push(item), ['log', 'message']);
  return items;
}

const kongRecord = {
  started_at: 1_700_000_000_000,
  request: {
    method: 'GET',
    uri: '/v1/orders?token=SECRET1',
    url: 'https://api.example.com/v1/orders?token=SECRET1',
    querystring: { token: 'SECRET1' },
    headers: { authorization: 'Bearer SECRET2', cookie: 'session=SECRET3', host: 'api.example.com' },
  },
  response: { status: 'not a status', size: 10 },
};

describe('IngestPipeline rejected samples', () => {
  it('publishes rejected lines and records with their credentials redacted', async () => {
    const { ingest, published } = pipeline();
    const items = [
      ...lineItems('203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET /login?user=a&token=SECRET0 HTTP/1.1" bad 5 "-" "curl/8"\n'),
      ...lineItems(`${JSON.stringify({ log: 'GET /x?api-key=SECRET4 Authorization: Bearer SECRET5' })}\n`),
      { kind: 'object', value: kongRecord } as const,
    ];
    const outcome = ingest.ingest(items, { name: 'http', kind: 'http' }, undefined);
    await outcome.published;
    expect(outcome.rejected).toBe(3);
    const samples = published().map((rejection: RejectedInput) => rejection.sample);
    expect(samples).toHaveLength(3);
    for (const sample of samples) expect(sample).not.toMatch(/SECRET/);
    expect(samples[0]).toContain('"GET /login?user=a&token=REDACTED HTTP/1.1" bad 5');
    expect(samples[1]).toBe('GET /x?api-key=REDACTED Authorization: Bearer REDACTED');
    expect(JSON.parse(samples[2] as string)).toMatchObject({
      request: { uri: '/v1/orders?token=REDACTED', headers: { authorization: 'REDACTED', cookie: 'REDACTED', host: 'api.example.com' } },
    });
  });

  it('publishes a line that is not JSON with neither its sample nor its detail quoting a credential', async () => {
    const { ingest, published } = pipeline();
    await ingest.ingest(lineItems('{"a": Bearer SECRET}\n'), { name: 'http', kind: 'http' }, undefined).published;
    expect(published()).toMatchObject([{ reason: 'invalid_json', sample: '{"a": Bearer REDACTED}' }]);
    expect(published()[0]?.detail).not.toMatch(/SEC/);
  });

  it('redacts a detail that quotes the line, as the sample is', async () => {
    const { ingest, published } = pipeline();
    const lines = [
      '203.0.113.7 - - [10/Oct/2000?token=SECRET1] "GET / HTTP/1.1" 200 5\n',
      '203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 2x?api_key=SECRET2 5\n',
    ];
    await ingest.ingest(lineItems(lines.join('')), { name: 'http', kind: 'http' }, undefined).published;
    const rejections = published();
    expect(rejections.map((r: RejectedInput) => r.reason)).toEqual(['invalid_timestamp', 'invalid_status']);
    for (const rejection of rejections) expect(rejection.detail).toMatch(/=REDACTED/);
    expect(JSON.stringify(rejections)).not.toMatch(/SECRET/);
  });

  it('redacts the sample of a line cut for length inside a credential, and keeps it within the contract', async () => {
    const { ingest, published } = pipeline();
    const line = `203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET /x?${'a'.repeat(900)}=1&sig=${'SECRET'.repeat(500)} HTTP/1.1" 200 5\n`;
    for (const maxLineBytes of [2048, 65_536]) {
      const outcome = ingest.ingest(lineItems(line.replace('200 5', 'bad 5'), maxLineBytes), { name: 'http', kind: 'http' }, undefined);
      await outcome.published;
    }
    // Framing keeps the first 1024 bytes of a line too long to decode; the parser's rejection is cut here.
    const [tooLong, cut] = published();
    expect([tooLong?.reason, cut?.reason]).toEqual(['line_too_long', 'invalid_status']);
    expect(cut?.sample.endsWith('&sig=REDACTED…')).toBe(true);
    for (const { sample } of published()) {
      expect(sample).not.toMatch(/SECRET|SECR|SEC$/);
      expect(sample).toMatch(/&sig=REDACTED/);
      expect(sample.length).toBeLessThanOrEqual(1024);
    }
  });

  it('uses the configured names for samples as for events', async () => {
    const { ingest, published } = pipeline({ VIGIL_REDACT_QUERY_PARAMS: 'session' });
    await ingest.ingest(lineItems('GET /x?session=SECRET&token=kept\n'), { name: 'http', kind: 'http' }, undefined).published;
    expect(published()[0]?.sample).toBe('GET /x?session=REDACTED&token=kept');
  });
});

describe('IngestPipeline.ingestUnacknowledged', () => {
  it('counts the accepted lines as discarded when Kafka never takes them, and the rejected ones only as rejected', async () => {
    const { counts, metrics } = countingMetrics();
    // Kafka refuses every send (the buffer keeps the lines queued to retry); the collector then
    // stops, which fails what is still queued.
    let sends = 0;
    const publish = () => {
      sends++;
      return Promise.reject(new Error('broker down'));
    };
    const buffer = new PublishBuffer({ maxItems: 1000, maxItemsPerSend: 1000, publish, retryDelayMs: { initial: 60_000, max: 60_000 } });
    const settings = parserSettings({});
    const telemetry = createTelemetry('collector-test');
    const ingest = new IngestPipeline({ buffer, parsers: new ParserRegistry(settings.options, settings.defaultFormat), metrics, tracer: telemetry.tracer, now: () => Date.UTC(2000, 9, 10, 21) });
    const good = '203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 5 "-" "curl/8"';
    const logger = createLogger({ name: 'ingest-unacknowledged-test', level: 'silent' });
    const outcome = ingest.ingestUnacknowledged(lineItems(`${good}\n${good}\nnot a log line\n`), { name: 'stdin', kind: 'stdin' }, 'nginx', logger);
    expect(outcome).toMatchObject({ accepted: 2, rejected: 1 });
    await vi.waitFor(() => expect(sends).toBe(1));
    buffer.close();
    await expect(outcome.published).rejects.toThrow(/stopped/);
    await vi.waitFor(() => expect(counts['discarded:publish_failed']).toBe(2));
    expect(counts).toMatchObject({ received: 3, 'rejected:format_mismatch': 1 });
  });
});

describe('IngestPipeline rejection warnings', () => {
  /** A pipeline whose clock and warnings the test holds. */
  function warningPipeline() {
    const { logger, warnings } = capturedLogger('collector-test', 'info');
    const buffer = new PublishBuffer({ maxItems: 1000, maxItemsPerSend: 1000, publish: async () => {} });
    const settings = parserSettings({});
    const telemetry = createTelemetry('collector-test');
    // The nginx line's own time: a clock before it would reject the line as from the future.
    const clock = { now: Date.parse('2000-10-10T21:00:00Z') };
    const ingest = new IngestPipeline({
      buffer,
      parsers: new ParserRegistry(settings.options, settings.defaultFormat),
      metrics: telemetry.pipeline('collector'),
      tracer: telemetry.tracer,
      now: () => clock.now,
      logger,
    });
    return { ingest, clock, warnings };
  }

  const nginxLine = '203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 5 "-" "curl/8"\n';
  const file = { name: 'file:/var/log/app.log', kind: 'file' };

  // A followed file in a format Vigil does not read was only a metric: in the embedded mode the
  // user saw nothing at all, not even that every line was thrown away.
  it('tells the rejected lines of an input at once, with the reason and a sample', async () => {
    const { ingest, warnings } = warningPipeline();
    await ingest.ingest(lineItems(`${nginxLine}my-app says hello\nmy-app says bye\n`), file, undefined).published;
    expect(warnings()).toHaveLength(1);
    const [warning] = warnings();
    expect(warning).toMatchObject({ source: 'file:/var/log/app.log', rejected: 2, reason: 'unknown_format' });
    expect(warning?.msg).toContain('file:/var/log/app.log: 2 lines rejected (format auto), the latest unknown_format: "my-app says bye"');
    expect(warning?.msg).toContain('vigil parse');
  });

  it('tells them at most once a minute per input, counting the ones in between', async () => {
    const { ingest, clock, warnings } = warningPipeline();
    await ingest.ingest(lineItems('junk 1\n'), file, undefined).published;
    clock.now += 30_000;
    await ingest.ingest(lineItems('junk 2\njunk 3\n'), file, undefined).published;
    await ingest.ingest(lineItems('junk 4\n'), { name: 'stdin', kind: 'stdin' }, undefined).published;
    expect(warnings().map((w) => [w.source, w.rejected])).toEqual([
      ['file:/var/log/app.log', 1],
      ['stdin', 1],
    ]);
    clock.now += 30_000;
    await ingest.ingest(lineItems('junk 5\n'), file, undefined).published;
    expect(warnings().map((w) => [w.source, w.rejected])).toEqual([
      ['file:/var/log/app.log', 1],
      ['stdin', 1],
      ['file:/var/log/app.log', 3],
    ]);
  });

  it('says nothing of an input whose lines all parse', async () => {
    const { ingest, warnings } = warningPipeline();
    await ingest.ingest(lineItems(nginxLine), file, undefined).published;
    expect(warnings()).toEqual([]);
  });
});
