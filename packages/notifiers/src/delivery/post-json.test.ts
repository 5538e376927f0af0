import { describe, expect, it } from 'vitest';
import { splitCredentials } from './post-json';

describe('splitCredentials', () => {
  it('moves URL credentials into a basic Authorization header', () => {
    expect(splitCredentials('http://am%40ops:p%3Ass@127.0.0.1:9093/base')).toEqual({
      url: 'http://127.0.0.1:9093/base',
      authorization: `Basic ${Buffer.from('am@ops:p:ss').toString('base64')}`,
    });
  });

  it('leaves a URL without credentials untouched', () => {
    expect(splitCredentials('http://127.0.0.1:9093/')).toEqual({ url: 'http://127.0.0.1:9093/' });
  });
});
