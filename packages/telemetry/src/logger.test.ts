import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, SECRET_FIELD_NAMES } from './logger';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  let buffered = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      buffered += chunk.toString('utf8');
      done();
    },
  });
  return {
    stream,
    text: () => buffered,
    lines: () =>
      buffered
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes JSON lines carrying the logger name and message', () => {
    const out = capture();
    createLogger({ name: 'collector', destination: out.stream }).info({ events: 3 }, 'published');
    expect(out.lines()).toEqual([expect.objectContaining({ name: 'collector', msg: 'published', events: 3 })]);
  });

  it('drops messages below the configured level', () => {
    const out = capture();
    const logger = createLogger({ name: 'x', level: 'warn', destination: out.stream });
    logger.info('quiet');
    logger.warn('loud');
    expect(out.lines().map((line) => line.msg)).toEqual(['loud']);
  });

  it('never shows a secret held in any known credential field, at the top or nested', () => {
    const out = capture();
    const logger = createLogger({ name: 'x', destination: out.stream });
    SECRET_FIELD_NAMES.forEach((field, index) => {
      const secret = `s3cr3t-${index}`;
      logger.info({ [field]: secret }, 'top');
      logger.info({ config: { [field]: secret } }, 'one level');
      logger.info({ req: { headers: { [field]: secret } } }, 'two levels');
      logger.info({ a: { b: { c: { [field]: secret } } } }, 'three levels');
    });
    const text = out.text();
    expect(text).not.toMatch(/s3cr3t/);
    expect(out.lines()).toHaveLength(SECRET_FIELD_NAMES.length * 4);
    expect(out.lines()[0]).toEqual(expect.objectContaining({ [SECRET_FIELD_NAMES[0]!]: REDACTED }));
  });

  it('censors request headers, tokens lists and SASL passwords while keeping harmless fields', () => {
    const out = capture();
    createLogger({ name: 'x', destination: out.stream }).info(
      {
        req: { method: 'POST', headers: { authorization: 'Bearer abc123', cookie: 'sid=abc123', 'user-agent': 'curl' } },
        res: { headers: { 'set-cookie': 'sid=abc123' } },
        tokens: ['abc123', 'def456'],
        kafka: { sasl: { username: 'vigil', password: 'abc123' } },
        slack: { webhookUrl: 'https://hooks.example/abc123' },
      },
      'request',
    );
    const [line] = out.lines();
    expect(out.text()).not.toMatch(/abc123|def456/);
    expect(line).toMatchObject({
      req: { method: 'POST', headers: { authorization: REDACTED, cookie: REDACTED, 'user-agent': 'curl' } },
      res: { headers: { 'set-cookie': REDACTED } },
      tokens: REDACTED,
      kafka: { sasl: { username: 'vigil', password: REDACTED } },
    });
  });
});
