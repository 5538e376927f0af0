import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_QUERY_PARAMS, QueryRedactor } from './redact-query';

const redactor = new QueryRedactor(DEFAULT_REDACT_QUERY_PARAMS);

describe('QueryRedactor', () => {
  it('replaces credential values and keeps the other parameters in order', () => {
    expect(redactor.redact('page=2&api_key=abc123&sort=asc&token=t0k')).toBe('page=2&api_key=REDACTED&sort=asc&token=REDACTED');
  });

  it('matches names case-insensitively and percent-encoded', () => {
    expect(redactor.redact('API_KEY=x&Access_Token=y&pass%77ord=z')).toBe('API_KEY=REDACTED&Access_Token=REDACTED&pass%77ord=REDACTED');
  });

  it('redacts the first parameter and AWS presigned signatures', () => {
    expect(redactor.redact('X-Amz-Signature=abcd&X-Amz-Date=20240101')).toBe('X-Amz-Signature=REDACTED&X-Amz-Date=20240101');
  });

  it('returns the same string when nothing needs redacting', () => {
    const query = 'a=1&b=2&keyword=search';
    expect(redactor.redact(query)).toBe(query);
  });

  it('leaves parameters without a value alone', () => {
    expect(redactor.redact('token&x=1')).toBe('token&x=1');
  });

  it('honours a configured list', () => {
    expect(new QueryRedactor(['session']).redact('session=s&token=t')).toBe('session=REDACTED&token=t');
  });

  it('redacts nothing with an empty list', () => {
    expect(new QueryRedactor([]).redact('token=t')).toBe('token=t');
  });
});

describe('QueryRedactor name variants', () => {
  it.each([
    ['api-key=S1', 'api-key=REDACTED'],
    ['x-api-key=&a=1', 'x-api-key=REDACTED&a=1'],
    ['X_API_KEY=S2', 'X_API_KEY=REDACTED'],
    ['jwt=eyJ.S3.sig', 'jwt=REDACTED'],
    ['private_token=S4', 'private_token=REDACTED'],
    ['private-token=S4', 'private-token=REDACTED'],
    ['session_id=S5&sessionid=S5&SessionId=S5', 'session_id=REDACTED&sessionid=REDACTED&SessionId=REDACTED'],
    ['JSESSIONID=S5&PHPSESSID=S5', 'JSESSIONID=REDACTED&PHPSESSID=REDACTED'],
    ['access-token=S6', 'access-token=REDACTED'],
    ['auth_token=S7&auth-token=S7', 'auth_token=REDACTED&auth-token=REDACTED'],
    ['Authorization=Bearer+S8&x=1', 'Authorization=REDACTED&x=1'],
    ['Authorization=Bearer%20S8', 'Authorization=REDACTED'],
    ['apiKey=S9&ApiKey=S9', 'apiKey=REDACTED&ApiKey=REDACTED'],
    ['AWSAccessKeyId=AKIA&Signature=S10&Expires=1', 'AWSAccessKeyId=REDACTED&Signature=REDACTED&Expires=1'],
    ['X-Goog-Credential=sa%40p&X-Goog-Signature=S11', 'X-Goog-Credential=REDACTED&X-Goog-Signature=REDACTED'],
  ])('redacts %s', (query, expected) => {
    expect(redactor.redact(query)).toBe(expected);
  });

  it('ignores a trailing [] or [...], raw or percent-encoded', () => {
    expect(redactor.redact('token[]=a&token[]=b&token[0]=c&api_key[x][y]=d&token%5B%5D=e&token%5b1%5d=f')).toBe(
      'token[]=REDACTED&token[]=REDACTED&token[0]=REDACTED&api_key[x][y]=REDACTED&token%5B%5D=REDACTED&token%5b1%5d=REDACTED',
    );
  });

  it('ignores spaces around a name: + and %20 decode to one', () => {
    expect(redactor.redact('token+=a&+token=b&%20token%20=c&token%20[]=d')).toBe('token+=REDACTED&+token=REDACTED&%20token%20=REDACTED&token%20[]=REDACTED');
  });

  it('decodes the valid escapes of a name that also holds a malformed one', () => {
    expect(redactor.redact('%74oken%zz=a&%74oken=b')).toBe('%74oken%zz=a&%74oken=REDACTED');
  });

  it('treats - and _ alike in configured names too', () => {
    const custom = new QueryRedactor(['X-My_Secret']);
    expect(custom.redact('x_my-secret=a&X-MY-SECRET=b&xmysecret=c')).toBe('x_my-secret=REDACTED&X-MY-SECRET=REDACTED&xmysecret=c');
  });

  it('leaves names that only resemble a credential', () => {
    const query = 'keyword=a&tokens=b&token_type=bearer&keys=c&sid=d&code=e&state=f&session=g&passport=h';
    expect(redactor.redact(query)).toBe(query);
  });
});

describe('QueryRedactor separators', () => {
  it('accepts ; between parameters as well as &', () => {
    expect(redactor.redact('a=1;token=S6')).toBe('a=1;token=REDACTED');
    expect(redactor.redact('token=S6;a=1&b=2')).toBe('token=REDACTED;a=1&b=2');
    expect(redactor.redact('flag;token=S6')).toBe('flag;token=REDACTED');
  });

  it('keeps a ; that starts no parameter inside the value, so a credential holding one is replaced whole', () => {
    expect(redactor.redact('token=abc;def&q=a;b')).toBe('token=REDACTED&q=a;b');
  });

  it('reads an HTML-escaped &amp; as a separator', () => {
    expect(redactor.redact('a=1&amp;token=S')).toBe('a=1&amp;token=REDACTED');
  });

  it('redacts the parameters of a URL left unencoded in a value', () => {
    expect(redactor.redact('next=/cb?token=S&a=1')).toBe('next=/cb?token=REDACTED&a=1');
    expect(redactor.redact('q=why?&x=1')).toBe('q=why?&x=1');
  });

  it('replaces an empty value and keeps everything else byte for byte', () => {
    expect(redactor.redact('&&token=&=x&a==b&')).toBe('&&token=REDACTED&=x&a==b&');
  });
});

describe('QueryRedactor nested names and values', () => {
  it('matches the last key inside brackets as well as the name before them', () => {
    expect(redactor.redact('user[password]=S1&user[name]=ann&creds[aws][secret_key]=S2&user%5Bpassword%5D=S3')).toBe(
      'user[password]=REDACTED&user[name]=ann&creds[aws][secret_key]=REDACTED&user%5Bpassword%5D=REDACTED',
    );
    expect(redactor.redact('filter[name]=token&page[size]=10')).toBe('filter[name]=token&page[size]=10');
  });

  it('redacts a query encoded inside a value and writes the value back encoded', () => {
    const value = encodeURIComponent('https://app.example/cb?code=1&access_token=S4');
    expect(redactor.redact(`next=${value}&a=1`)).toBe(`next=${encodeURIComponent('https://app.example/cb?code=1&access_token=REDACTED')}&a=1`);
    expect(redactor.redact('r=a%3D1%26token%3DS5')).toBe(`r=${encodeURIComponent('a=1&token=REDACTED')}`);
  });

  it('follows a value encoded twice', () => {
    const twice = encodeURIComponent(`/login?next=${encodeURIComponent('/cb?token=S6')}`);
    expect(redactor.redact(`u=${twice}`)).toBe(`u=${encodeURIComponent(`/login?next=${encodeURIComponent('/cb?token=REDACTED')}`)}`);
  });

  it('leaves an encoded value holding no credential exactly as it was', () => {
    const query = 'next=%2Fcb%3Fpage%3D2%26sort%3Dasc&q=a%3Db';
    expect(redactor.redact(query)).toBe(query);
  });
});

describe('QueryRedactor.redactPath', () => {
  it('redacts credential path parameters in any segment and keeps the rest', () => {
    expect(redactor.redactPath('/shop/cart;jsessionid=S7')).toBe('/shop/cart;jsessionid=REDACTED');
    expect(redactor.redactPath('/a;v=1;token=S8/b;JSESSIONID=S9/c')).toBe('/a;v=1;token=REDACTED/b;JSESSIONID=REDACTED/c');
  });

  it('returns the path itself when it holds no credential', () => {
    for (const path of ['/a/b', '/a;v=2/b', '/x;', '/;=']) expect(redactor.redactPath(path)).toBe(path);
  });
});
