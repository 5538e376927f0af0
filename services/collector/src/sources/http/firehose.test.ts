import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/contract';
import { asLineItems } from '../../transforms/test-items';
import { decodeFirehoseBody as decodeFirehose, firehoseResponse, isFirehoseRequest } from './firehose';

const decodeFirehoseBody = (...args: Parameters<typeof decodeFirehose>) => {
  const result = decodeFirehose(...args);
  return result.ok ? { ...result, items: asLineItems(result.items) } : result;
};

const limits = { maxLineBytes: 4096, maxItems: 1000, messageKeys: ['log', 'message'], maxDecompressedBytes: 1024 * 1024 };
const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64');
const envelope = (records: unknown[]) => Buffer.from(JSON.stringify({ requestId: 'req-1', timestamp: 1, records }));
const cloudWatch = (messageType: string, messages: string[]) =>
  gzipSync(JSON.stringify({ messageType, owner: '1', logGroup: 'g', logStream: 's', subscriptionFilters: [], logEvents: messages.map((message, i) => ({ id: String(i), timestamp: 1, message })) }));

describe('Firehose envelope', () => {
  it('recognises Firehose deliveries by their request id header', () => {
    expect(isFirehoseRequest({ 'x-amz-firehose-request-id': 'abc' })).toBe(true);
    expect(isFirehoseRequest({})).toBe(false);
  });

  it('decodes plain base64 records as log bodies', () => {
    const result = decodeFirehoseBody(envelope([{ data: b64('line one\nline two\n') }, { data: b64('{"status":200}') }]), limits);
    expect(result).toEqual({
      ok: true,
      requestId: 'req-1',
      items: [
        { kind: 'line', text: 'line one' },
        { kind: 'line', text: 'line two' },
        { kind: 'object', value: { status: 200 } },
      ],
    });
  });

  it('unpacks gzip\'d CloudWatch Logs DATA_MESSAGE payloads carrying API Gateway JSON access logs', () => {
    const apiGateway = '{"requestId":"r1","ip":"203.0.113.1","httpMethod":"GET","status":"200"}';
    const result = decodeFirehoseBody(envelope([{ data: b64(cloudWatch('DATA_MESSAGE', [apiGateway, 'text line'])) }]), limits);
    expect(result.ok && result.items).toEqual([
      { kind: 'object', value: JSON.parse(apiGateway) },
      { kind: 'line', text: 'text line' },
    ]);
  });

  it('ignores CloudWatch CONTROL_MESSAGE records', () => {
    const result = decodeFirehoseBody(envelope([{ data: b64(cloudWatch('CONTROL_MESSAGE', ['CWL CONTROL MESSAGE'])) }]), limits);
    expect(result).toEqual({ ok: true, requestId: 'req-1', items: [] });
  });

  it('rejects bad records as invalid_envelope and keeps the others', () => {
    const result = decodeFirehoseBody(envelope([{ data: 42 }, 'nope', { data: b64(Buffer.from([0x1f, 0x8b, 1, 2, 3])) }, { data: b64('ok') }]), limits);
    expect(result.ok && result.items.map((i) => (i.kind === 'invalid' ? i.reason : i.kind))).toEqual([
      'invalid_envelope',
      'invalid_envelope',
      'invalid_envelope',
      'line',
    ]);
  });

  it('answers a malformed envelope with an error message', () => {
    expect(decodeFirehoseBody(Buffer.from('not json'), limits)).toMatchObject({ ok: false });
    expect(decodeFirehoseBody(Buffer.from('{"records":[]}'), limits)).toMatchObject({ ok: false });
  });

  it('stops a gzip bomb inside a record at the decompression budget', () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024));
    try {
      decodeFirehoseBody(envelope([{ data: b64(bomb) }]), limits);
      expect.unreachable();
    } catch (error) {
      expect(isVigilError(error, 'VIGIL_INPUT_TOO_LARGE')).toBe(true);
    }
  });

  it('builds the response envelope Firehose expects', () => {
    expect(firehoseResponse('r', 5)).toEqual({ requestId: 'r', timestamp: 5 });
    expect(firehoseResponse('r', 5, 'bad')).toEqual({ requestId: 'r', timestamp: 5, errorMessage: 'bad' });
  });
});
