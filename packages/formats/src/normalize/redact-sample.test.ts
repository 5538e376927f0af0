import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_QUERY_PARAMS, QueryRedactor } from './redact-query';
import { SampleRedactor } from './redact-sample';

const samples = new SampleRedactor(new QueryRedactor(DEFAULT_REDACT_QUERY_PARAMS));
const redact = (sample: string) => samples.redact(sample);

describe('SampleRedactor on text lines', () => {
  it('redacts credential parameters of the request and the referer of an nginx line', () => {
    const line = '203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET /v1/x?page=2&token=SECRET HTTP/1.1" 2000 5 "https://app/?api-key=SECRET2" "curl/8 (X11; Linux)"';
    expect(redact(line)).toBe(
      '203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] "GET /v1/x?page=2&token=REDACTED HTTP/1.1" 2000 5 "https://app/?api-key=REDACTED" "curl/8 (X11; Linux)"',
    );
  });

  it('redacts name variants and ; separators with the query redactor matcher', () => {
    expect(redact('GET /x?a=1;Token[]=S1&x-api-key=S2&token+=S3 HTTP/1.1')).toBe('GET /x?a=1;Token[]=REDACTED&x-api-key=REDACTED&token+=REDACTED HTTP/1.1');
  });

  it('redacts a value cut off by the end of a truncated sample', () => {
    expect(redact('1.2.3.4 - - [x] "GET /login?user=a&password=hunt')).toBe('1.2.3.4 - - [x] "GET /login?user=a&password=REDACTED');
    expect(redact('GET /x?tok')).toBe('GET /x?tok');
  });

  it('reads \\u0026 (Go JSON) and &amp; (HTML) as separators', () => {
    expect(redact('{"RequestPath":"/x?a=1\\u0026token=S\\u0026b=2"')).toBe('{"RequestPath":"/x?a=1\\u0026token=REDACTED\\u0026b=2"');
    expect(redact('<a href="/x?a=1&amp;sig=S">')).toBe('<a href="/x?a=1&amp;sig=REDACTED">');
  });

  it('redacts session cookies written as a header', () => {
    expect(redact('Cookie: theme=dark; session_id=S; JSESSIONID=S2; lang=en')).toBe('Cookie: theme=dark; session_id=REDACTED; JSESSIONID=REDACTED; lang=en');
  });

  it('redacts the credential of Authorization: Bearer and Basic, in any case', () => {
    expect(redact('Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl')).toBe('Authorization: Bearer REDACTED');
    expect(redact('proxy-authorization: basic dXNlcjpwYXNz, x')).toBe('proxy-authorization: basic REDACTED, x');
    expect(redact('1.2.3.4 "GET / HTTP/1.1" 200 1 "BEARER abc/def+=" "-"')).toBe('1.2.3.4 "GET / HTTP/1.1" 200 1 "BEARER REDACTED" "-"');
    expect(redact('Authorization: Bearer eyJhbG')).toBe('Authorization: Bearer REDACTED');
  });

  it('leaves bearer and basic that are not a scheme before a credential', () => {
    const line = '1.2.3.4 - - [x] "GET /docs/basic HTTP/1.1" 404 0 "-" "Bearer"';
    expect(redact(line)).toBe(line);
  });

  it('redacts the userinfo of URLs, in a request line, a referer and a sample cut short', () => {
    expect(redact('1.2.3.4 - - [x] "GET http://alice:hunter2@example.com/a HTTP/1.1" 400 0 "https://tok3n@git.example/x" "-"')).toBe(
      '1.2.3.4 - - [x] "GET http://REDACTED@example.com/a HTTP/1.1" 400 0 "https://REDACTED@git.example/x" "-"',
    );
    expect(redact('{"uri":"smtp://u:p%40ss@mail:587"}')).toBe('{"uri":"smtp://REDACTED@mail:587"}');
    expect(redact('"GET ftp://bob:secr')).toBe('"GET ftp://REDACTED');
    expect(redact('"GET http://example.com:8080')).toBe('"GET http://example.com:8080');
    expect(redact('"GET http://example.com/users/@me HTTP/1.1"')).toBe('"GET http://example.com/users/@me HTTP/1.1"');
  });

  it('returns a sample without credentials unchanged', () => {
    const line = '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /search?q=red+shoes;x=1 HTTP/1.1" 200 5 "-" "Mozilla/5.0 (X11; Linux x86_64)"';
    expect(redact(line)).toBe(line);
  });
});

describe('SampleRedactor on JSON records', () => {
  const kong = JSON.stringify({
    request: {
      method: 'GET',
      uri: '/v1/x?token=SECRET1',
      url: 'https://api.example.com/v1/x?token=SECRET1',
      querystring: { token: 'SECRET1', page: '2' },
      headers: { authorization: 'Bearer SECRET2', cookie: 'session=SECRET3', 'x-api-key': 'SECRET4', 'Proxy-Authorization': 'Basic SECRET5', accept: '*/*' },
    },
    response: { status: 'bad', headers: { 'set-cookie': ['sid=SECRET6; Path=/', 'x=SECRET7'] } },
    started_at: 1,
  });

  it('redacts credential headers, configured keys and query strings in a Kong record', () => {
    const redacted = redact(kong);
    expect(redacted).not.toMatch(/SECRET/);
    expect(JSON.parse(redacted)).toEqual({
      request: {
        method: 'GET',
        uri: '/v1/x?token=REDACTED',
        url: 'https://api.example.com/v1/x?token=REDACTED',
        querystring: { token: 'REDACTED', page: '2' },
        headers: { authorization: 'REDACTED', cookie: 'REDACTED', 'x-api-key': 'REDACTED', 'Proxy-Authorization': 'REDACTED', accept: '*/*' },
      },
      response: { status: 'bad', headers: { 'set-cookie': 'REDACTED' } },
      started_at: 1,
    });
  });

  it('redacts a record cut off in the middle of a credential value at every length', () => {
    for (let length = 0; length <= kong.length; length++) {
      // What is left of a cut-off secret must not be there either.
      expect(redact(kong.slice(0, length)), `cut at ${length}`).not.toMatch(/SE/);
    }
  });

  it('redacts numbers, objects and arrays under credential keys, and keeps null and booleans', () => {
    expect(redact('{"key": 12345, "auth": {"user": "u", "pass": "p"}, "token": null, "password": true, "b": 1}')).toBe(
      '{"key": "REDACTED", "auth": "REDACTED", "token": null, "password": true, "b": 1}',
    );
  });

  it('redacts pretty-printed JSON', () => {
    expect(redact('{\n  "Authorization" :\n    "Basic S",\n  "sig": "S"\n}')).toBe('{\n  "Authorization" :\n    "REDACTED",\n  "sig": "REDACTED"\n}');
  });

  it('redacts JSON written as a string inside JSON (a Docker log wrapper)', () => {
    const wrapped = JSON.stringify({ log: JSON.stringify({ headers: { Authorization: 'Bearer SECRET', cookie: 'a=SECRET' }, status: 'x' }) });
    expect(redact(wrapped)).toBe('{"log":"{\\"headers\\":{\\"Authorization\\":\\"REDACTED\\",\\"cookie\\":\\"REDACTED\\"},\\"status\\":\\"x\\"}"}');
  });

  it('redacts credential headers even with no configured query names', () => {
    const headersOnly = new SampleRedactor(new QueryRedactor([]));
    expect(headersOnly.redact('{"cookie":"a=S","token":"t","u":"/x?token=t"}')).toBe('{"cookie":"REDACTED","token":"t","u":"/x?token=t"}');
  });
});
