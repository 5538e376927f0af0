import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/contract';
import { integer, list, listenAddress, optional, string, url } from './field';
import { checkConfig, describeConfig, loadConfig, renderConfigTable, shortTokenWarnings, unknownVariableWarnings } from './load';
import { alerterSchema } from './schemas/alerter';
import { collectorSchema } from './schemas/collector';
import { commonSchema } from './schemas/common';
import { detectorSchema } from './schemas/detector';
import { kafkaSchema } from './schemas/kafka';

const schema = {
  bucketSeconds: integer({ env: 'VIGIL_BUCKET_SECONDS', description: 'd', example: '10', default: 10, min: 1 }),
  token: optional(string({ env: 'VIGIL_TEST_TOKEN', description: 'd', example: 'abc', secret: true })),
  names: list({ env: 'VIGIL_NAMES', description: 'd', example: 'a,b', default: ['x'] }),
};

describe('loadConfig', () => {
  it('names the missing half of a pair (a certificate without its key), whichever half is given', () => {
    const pair = {
      cert: optional(string({ env: 'VIGIL_T_CERT', description: 'd', example: '/tls.crt', requires: 'VIGIL_T_KEY' })),
      key: optional(string({ env: 'VIGIL_T_KEY', description: 'd', example: '/tls.key', requires: 'VIGIL_T_CERT' })),
    };
    expect(checkConfig(pair, { VIGIL_T_CERT: '/a' }).problems).toEqual([
      { env: 'VIGIL_T_KEY', message: 'VIGIL_T_CERT is set, so VIGIL_T_KEY must be too, e.g. VIGIL_T_KEY=/tls.key' },
    ]);
    expect(checkConfig(pair, { VIGIL_T_KEY: '/b' }).problems.map((p) => p.env)).toEqual(['VIGIL_T_CERT']);
    expect(checkConfig(pair, { VIGIL_T_CERT: '/a', VIGIL_T_KEY: '/b' }).problems).toEqual([]);
    expect(checkConfig(pair, {}).problems).toEqual([]);
  });

  it('counts an empty list as unset when a setting requires it (an SMTP server and no recipient)', () => {
    const mail = {
      server: optional(url({ env: 'VIGIL_T_SMTP', description: 'd', example: 'smtp://relay:25', protocols: ['smtp'], requires: 'VIGIL_T_TO' })),
      to: list({ env: 'VIGIL_T_TO', description: 'd', example: 'oncall@example.com', default: [] }),
    };
    expect(checkConfig(mail, { VIGIL_T_SMTP: 'smtp://relay:25' }).problems).toEqual([
      { env: 'VIGIL_T_TO', message: 'VIGIL_T_SMTP is set, so VIGIL_T_TO must be too, e.g. VIGIL_T_TO=oncall@example.com' },
    ]);
    expect(checkConfig(mail, { VIGIL_T_SMTP: 'smtp://relay:25', VIGIL_T_TO: 'a@example.com' }).problems).toEqual([]);
    // So `vigil config` reports the alerter's, not only the start-up.
    expect(checkConfig(alerterSchema, { VIGIL_SMTP_URL: 'smtp://relay:25' }).problems.map((p) => p.env)).toEqual(['VIGIL_EMAIL_TO']);
  });

  it('stops a warning score at or above the critical one, naming both variables', () => {
    const bad = checkConfig(detectorSchema, { VIGIL_SEVERITY_WARNING_SCORE: '0.99', VIGIL_SEVERITY_CRITICAL_SCORE: '0.5' }).problems;
    expect(bad).toEqual([
      {
        env: 'VIGIL_SEVERITY_WARNING_SCORE',
        message: 'VIGIL_SEVERITY_WARNING_SCORE (0.99) must be below VIGIL_SEVERITY_CRITICAL_SCORE (0.5), e.g. VIGIL_SEVERITY_WARNING_SCORE=0.92 with VIGIL_SEVERITY_CRITICAL_SCORE=0.99',
      },
    ]);
    expect(checkConfig(detectorSchema, { VIGIL_SEVERITY_CRITICAL_SCORE: '0.9' }).problems.map((p) => p.env)).toEqual(['VIGIL_SEVERITY_WARNING_SCORE']);
    expect(checkConfig(detectorSchema, { VIGIL_SEVERITY_WARNING_SCORE: '0.5', VIGIL_SEVERITY_CRITICAL_SCORE: '0.6' }).problems).toEqual([]);
  });

  it('takes any IPv4 or IPv6 address to listen on, and nothing else', () => {
    const host = { host: listenAddress({ env: 'VIGIL_T_HOST', description: 'd', example: '0.0.0.0', default: '127.0.0.1' }) };
    for (const address of ['127.0.0.1', '0.0.0.0', '10.1.2.3', '::', '::1', 'fd00::5']) expect(loadConfig(host, { VIGIL_T_HOST: address }).host).toBe(address);
    for (const bad of ['localhost', '10.0.0.300', '0.0.0.0:8080', 'http://10.0.0.1']) {
      expect(checkConfig(host, { VIGIL_T_HOST: bad }).problems.map((p) => p.env)).toEqual(['VIGIL_T_HOST']);
    }
  });

  it('applies defaults when variables are unset', () => {
    expect(loadConfig(schema, {})).toEqual({ bucketSeconds: 10, token: undefined, names: ['x'] });
  });

  it('stops on a negative bucket width with a message naming the variable and an example', () => {
    try {
      loadConfig(schema, { VIGIL_BUCKET_SECONDS: '-1' });
      expect.unreachable();
    } catch (error) {
      expect(isVigilError(error, 'VIGIL_CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).toBe(
        'VIGIL_BUCKET_SECONDS must be a positive integer (got "-1"), e.g. VIGIL_BUCKET_SECONDS=10',
      );
    }
  });

  it('rejects KAFKA_BROKERS that is not host:port', () => {
    const { problems } = checkConfig(kafkaSchema, { KAFKA_BROKERS: 'not a host:port' });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.env).toBe('KAFKA_BROKERS');
    expect(problems[0]?.message).toMatch(/^KAFKA_BROKERS item "not a host:port" must be host:port .*e\.g\. KAFKA_BROKERS=/);
  });

  it('reports every problem, one line each', () => {
    const { problems } = checkConfig(kafkaSchema, { KAFKA_BROKERS: 'x', VIGIL_TOPIC_PARTITIONS: '0', KAFKA_TLS: 'maybe' });
    expect(problems.map((p) => p.env).sort()).toEqual(['KAFKA_BROKERS', 'KAFKA_TLS', 'VIGIL_TOPIC_PARTITIONS']);
  });

  it('never echoes a secret value in a problem', () => {
    const secretInt = { n: integer({ env: 'VIGIL_N', description: 'd', example: '1', secret: true, min: 1 }) };
    const { problems } = checkConfig(secretInt, { VIGIL_N: 'hunter2' });
    expect(problems[0]?.message).not.toContain('hunter2');
    expect(problems[0]?.message).toContain('<secret>');
  });

  it('reads a secret from its _FILE twin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    writeFileSync(join(dir, 'token'), 's3cret\n');
    expect(loadConfig(schema, { VIGIL_TEST_TOKEN_FILE: join(dir, 'token') }).token).toBe('s3cret');
  });

  it('reads a list from its _FILE one item per line, or comma-separated', () => {
    const tokens = { tokens: optional(list({ env: 'VIGIL_T_TOKENS', description: 'd', example: 'a,b', secret: true })) };
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    writeFileSync(join(dir, 'lines'), 'ing-one\r\ning-two\n\n');
    writeFileSync(join(dir, 'commas'), 'ing-one, ing-two\n');
    expect(loadConfig(tokens, { VIGIL_T_TOKENS_FILE: join(dir, 'lines') }).tokens).toEqual(['ing-one', 'ing-two']);
    expect(loadConfig(tokens, { VIGIL_T_TOKENS_FILE: join(dir, 'commas') }).tokens).toEqual(['ing-one', 'ing-two']);
    expect(renderConfigTable([{ title: 'T', schema: tokens }])).toContain('Secret: also read from `VIGIL_T_TOKENS_FILE` (one per line, or comma-separated).');
  });

  it('refuses an ingest, admin or metrics token holding whitespace, without printing it', () => {
    const schema = { ...collectorSchema, ...commonSchema };
    for (const env of ['VIGIL_INGEST_TOKENS', 'VIGIL_ADMIN_TOKENS', 'VIGIL_METRICS_TOKENS']) {
      const { problems } = checkConfig(schema, { [env]: 'tok-0123456789abcdef,tok-0123456789 abcdef' });
      expect(problems.map((p) => p.env)).toEqual([env]);
      expect(problems[0]!.message).toContain('item 2 holds a space or tab');
      expect(problems[0]!.message).not.toContain('tok-0123456789');
    }
    expect(checkConfig(schema, { VIGIL_INGEST_TOKENS: 'tok-0123456789abcdef, tok-fedcba9876543210' }).problems).toEqual([]);
  });

  it('refuses a secret set both directly and by file', () => {
    const { problems } = checkConfig(schema, { VIGIL_TEST_TOKEN: 'a', VIGIL_TEST_TOKEN_FILE: '/nonexistent' });
    expect(problems[0]?.message).toContain('set only one');
  });
});

const urls = {
  hook: optional(url({ env: 'VIGIL_T_HOOK_URL', description: 'd', example: 'https://h.example/x', protocols: ['https', 'http'] })),
  slack: optional(url({ env: 'VIGIL_T_SLACK_URL', description: 'd', example: 'https://h.example/x', protocols: ['https'], secret: true })),
};

describe('describeConfig', () => {
  it('masks secrets', () => {
    const config = loadConfig(schema, { VIGIL_TEST_TOKEN: 'hunter2' });
    const printed = describeConfig(schema, config);
    expect(printed).toContainEqual(['VIGIL_TEST_TOKEN', '<secret>']);
    expect(JSON.stringify(printed)).not.toContain('hunter2');
  });

  it('masks the password and every query value of a URL, keeping user, host and path', () => {
    const print = (value: string) => describeConfig(urls, loadConfig(urls, { VIGIL_T_HOOK_URL: value }))[0]?.[1];
    expect(print('https://user:hookpass@h.example/x?token=WEBHOOKTOK')).toBe('https://user:<secret>@h.example/x?token=<secret>');
    expect(print('http://am:amPASS@host:9093')).toBe('http://am:<secret>@host:9093/');
    expect(print('https://h.example/x?a=1&b=&flagTOKEN&c=x%3Dy#frag')).toBe('https://h.example/x?a=<secret>&b=&<secret>&c=<secret>#frag');
    expect(print('http://only-user@host/x')).toBe('http://only-user@host/x');
    expect(print('https://h.example/hooks/vigil')).toBe('https://h.example/hooks/vigil');
  });

  it('keeps a secret URL whole as <secret>', () => {
    const printed = describeConfig(urls, loadConfig(urls, { VIGIL_T_SLACK_URL: 'https://u:p@hooks.example/T0/B0/tok?x=1' }));
    expect(printed).toContainEqual(['VIGIL_T_SLACK_URL', '<secret>']);
  });
});

describe('problems with a URL', () => {
  const problemFor = (value: string) => checkConfig(urls, { VIGIL_T_HOOK_URL: value }).problems[0]?.message ?? '';

  it('never echoes the password or a query value of a URL with the wrong scheme', () => {
    const message = problemFor('ftp://o:otlpPASS@host/v1/traces?key=QUERYTOK');
    expect(message).toBe(
      'VIGIL_T_HOOK_URL must use https or http (got "ftp://o:<secret>@host/v1/traces?key=<secret>"), e.g. VIGIL_T_HOOK_URL=https://h.example/x',
    );
  });

  it('does not show a value that is not a URL but could hold a password or token', () => {
    for (const bad of ['http://user:PASSW0RD9@ho st/x', 'h.example/x?token=QUERYTOK', 'http://u:PASSW0RD9@host:notaport/']) {
      const message = problemFor(bad);
      expect(message).toMatch(/^VIGIL_T_HOOK_URL must be an absolute URL \(got "<not shown/);
      expect(message).not.toMatch(/PASSW0RD9|QUERYTOK/);
    }
    expect(problemFor('h.example/hooks')).toContain('(got "h.example/hooks")');
  });
});

describe('unknownVariableWarnings', () => {
  it('suggests the nearest known variable', () => {
    expect(unknownVariableWarnings({ VIGIL_BUCKET_SECOND: '5', PATH: '/bin' }, [schema])).toEqual([
      'unknown variable VIGIL_BUCKET_SECOND; did you mean VIGIL_BUCKET_SECONDS?',
    ]);
  });

  it('knows _FILE twins of secrets', () => {
    expect(unknownVariableWarnings({ VIGIL_TEST_TOKEN_FILE: '/x' }, [schema])).toEqual([]);
  });
});

describe('shortTokenWarnings', () => {
  const tokens = { admin: optional(list({ env: 'VIGIL_TEST_TOKENS', description: 'd', example: 'adm-1', secret: true })) };

  it('warns of a guessable token by its length, never showing it', () => {
    const warnings = shortTokenWarnings({ VIGIL_TEST_TOKENS: 'a-long-enough-token-0123,hunter2' }, [tokens]);
    expect(warnings).toEqual([expect.stringMatching(/^VIGIL_TEST_TOKENS holds a token of 7 characters, which can be guessed; use at least 16/)]);
    expect(warnings.join()).not.toContain('hunter2');
  });

  it('reads a token file as the config does, and says nothing of long tokens or of unset lists', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-tokens-')), 'tokens');
    writeFileSync(file, 'short\n');
    expect(shortTokenWarnings({ VIGIL_TEST_TOKENS_FILE: file }, [tokens])).toHaveLength(1);
    expect(shortTokenWarnings({ VIGIL_TEST_TOKENS: '0123456789abcdef' }, [tokens])).toEqual([]);
    expect(shortTokenWarnings({}, [tokens, schema])).toEqual([]);
  });
});

describe('renderConfigTable', () => {
  it('lists every variable with its default and example', () => {
    const table = renderConfigTable([{ title: 'Test', schema }]);
    expect(table).toContain('| `VIGIL_BUCKET_SECONDS` | integer | 10 | `10` |');
    expect(table).toContain('Secret: also read from `VIGIL_TEST_TOKEN_FILE`.');
  });
});
