import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/src/load';
import { FORMAT_CHOICES, formatsSchema } from '../../config/src/schemas/formats';
import { createEventParser } from './event-parser';
import { DEFAULT_REDACT_QUERY_PARAMS } from './normalize/redact-query';
import { eventParserOptionsFromConfig } from './options-from-config';
import { FORMAT_NAMES } from './types';

describe('eventParserOptionsFromConfig', () => {
  it('offers exactly the formats this package implements', () => {
    expect([...FORMAT_CHOICES].sort()).toEqual(['auto', ...FORMAT_NAMES].sort());
  });

  it('defaults the redaction list to the one the normalizer uses', () => {
    expect(formatsSchema.redactQueryParams.default).toEqual([...DEFAULT_REDACT_QUERY_PARAMS]);
  });

  it('maps every variable onto parser options', () => {
    const config = loadConfig(formatsSchema, {
      VIGIL_FORMAT: 'json',
      VIGIL_JSON_FIELD_MAP: 'time=ts, client.ip=remote.addr ,request.method=verb,request.path=uri,response.status=code',
      VIGIL_ROUTE_MAX_PER_SERVICE: '50',
      VIGIL_CLIENT_ID_HEADER: 'x-consumer-id',
      VIGIL_TRUSTED_PROXIES: '10.0.0.0/8,fd00::/8',
      VIGIL_REDACT_QUERY_PARAMS: 'session',
      VIGIL_IP_PSEUDONYMIZE_KEY: 'k',
      VIGIL_MAX_LINE_LENGTH: '1024',
      VIGIL_MAX_FUTURE_SECONDS: '60',
    });
    const options = eventParserOptionsFromConfig(config);
    expect(options).toMatchObject({
      format: 'json',
      jsonFieldMap: { time: 'ts', 'client.ip': 'remote.addr', 'request.method': 'verb', 'request.path': 'uri', 'response.status': 'code' },
      maxLineLength: 1024,
      maxFutureMs: 60_000,
      normalize: { routeMaxPerService: 50, clientIdHeader: 'x-consumer-id', trustedProxies: ['10.0.0.0/8', 'fd00::/8'], redactQueryParams: ['session'], ipPseudonymizeKey: 'k' },
    });
    const result = createEventParser(options).parseObject({ ts: 1700000000, remote: { addr: '10.1.1.1' }, verb: 'GET', uri: '/x?session=1', code: 200 }, { source: 't', receivedAt: 1_700_000_000_000 });
    expect(result).toMatchObject({ ok: true, event: { request: { query: 'session=REDACTED' }, client: { ip: expect.stringMatching(/^ip-/) } } });
  });

  it('reports bad CIDRs and field maps as configuration problems', () => {
    expect(() => loadConfig(formatsSchema, { VIGIL_TRUSTED_PROXIES: '10.0.0.0/40' })).toThrow(/VIGIL_TRUSTED_PROXIES/);
    expect(() => loadConfig(formatsSchema, { VIGIL_JSON_FIELD_MAP: 'nonsense' })).toThrow(/VIGIL_JSON_FIELD_MAP/);
    expect(() => loadConfig(formatsSchema, { VIGIL_FORMAT: 'iis' })).toThrow(/VIGIL_FORMAT/);
  });

  it('names the service of lines whose log names none with VIGIL_DEFAULT_SERVICE, and no other', () => {
    const ctx = { source: 't', receivedAt: 1_700_000_000_000 };
    const parser = createEventParser(eventParserOptionsFromConfig(loadConfig(formatsSchema, { VIGIL_FORMAT: 'apache', VIGIL_DEFAULT_SERVICE: 'shop-api' })));
    const line = '1.2.3.4 - - [14/Nov/2023:22:13:20 +0000] "GET /a HTTP/1.1" 200 5 "-" "-"';
    expect(parser.parseLine(line, ctx)).toMatchObject({ ok: true, event: { service: 'shop-api' } });
    expect(parser.parseLine(`api.example.com:443 ${line}`, ctx)).toMatchObject({ ok: true, event: { service: 'api.example.com:443' } });
    const unset = createEventParser(eventParserOptionsFromConfig(loadConfig(formatsSchema, { VIGIL_FORMAT: 'apache' })));
    expect(unset.parseLine(line, ctx)).toMatchObject({ ok: true, event: { service: '-' } });
    expect(() => loadConfig(formatsSchema, { VIGIL_DEFAULT_SERVICE: 'shop api' })).toThrow(/VIGIL_DEFAULT_SERVICE.*e\.g\. shop-api/);
  });
});
