import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/contract';
import { DecompressionBudget } from '../../transforms/envelopes';
import { asLineItems } from '../../transforms/test-items';
import { decodeLogBody } from './log-body';

const limits = { maxLineBytes: 1024, maxItems: 100, messageKeys: ['log', 'message'] };
const decode = (body: string) => asLineItems(decodeLogBody(Buffer.from(body), limits));

describe('decodeLogBody', () => {
  it('turns raw text into one line item per non-blank line', () => {
    expect(decode('a b c\n\n  \nd e f\n')).toEqual([
      { kind: 'line', text: 'a b c' },
      { kind: 'line', text: 'd e f' },
    ]);
  });

  it('decodes NDJSON records as objects (Vector ndjson)', () => {
    expect(decode('{"status":200}\n{"status":404}\n')).toEqual([
      { kind: 'object', value: { status: 200 } },
      { kind: 'object', value: { status: 404 } },
    ]);
  });

  it('decodes one pretty-printed JSON object as one record (Kong http-log)', () => {
    expect(decode('{\n  "request": {"method": "GET"}\n}')).toEqual([{ kind: 'object', value: { request: { method: 'GET' } } }]);
  });

  it('decodes a JSON array of records and unwraps Fluent Bit "log" fields', () => {
    expect(decode('[{"date":1.5,"log":"raw line"},{"status":200},"plain string"]')).toEqual([
      { kind: 'line', text: 'raw line' },
      { kind: 'object', value: { status: 200 } },
      { kind: 'line', text: 'plain string' },
    ]);
  });

  it('reads a body after a byte order mark as the body without it', () => {
    const bom = '\uFEFF';
    expect(decode(`${bom}[{"status":200},"plain string"]`)).toEqual([
      { kind: 'object', value: { status: 200 } },
      { kind: 'line', text: 'plain string' },
    ]);
    expect(decode(`${bom}{"status":200}\n{"status":404}\n`)).toEqual([
      { kind: 'object', value: { status: 200 } },
      { kind: 'object', value: { status: 404 } },
    ]);
    expect(decode(`${bom}a b c\n`)).toEqual([{ kind: 'line', text: 'a b c' }]);
  });

  it('unwraps Vector "message" fields in NDJSON', () => {
    expect(decode('{"message":"raw","host":"h"}\n')).toEqual([{ kind: 'line', text: 'raw' }]);
  });

  it('treats text that starts with a bracket but is not JSON as lines', () => {
    expect(decode('[27/Nov/2025:10:00:00 +0000] GET /\n[x] y\n')).toEqual([
      { kind: 'line', text: '[27/Nov/2025:10:00:00 +0000] GET /' },
      { kind: 'line', text: '[x] y' },
    ]);
  });

  it('passes a broken NDJSON line to the parser as text while keeping the good ones', () => {
    expect(decode('{"a":1}\n{"b":\n')).toEqual([
      { kind: 'object', value: { a: 1 } },
      { kind: 'line', text: '{"b":' },
    ]);
  });

  it('decodes a line that is not UTF-8 with U+FFFD for the parser to judge, and marks over-long lines invalid', () => {
    const body = Buffer.concat([Buffer.from([0xc3, 0x28, 0x0a]), Buffer.alloc(2000, 0x61), Buffer.from('\nok')]);
    const items = decodeLogBody(body, limits);
    expect(items.map((i) => (i.kind === 'invalid' ? i.reason : i.kind))).toEqual(['line', 'line_too_long', 'line']);
    expect(items[0]).toEqual({ kind: 'line', text: '\uFFFD(' });
  });

  it('rejects JSON array elements that are neither objects nor strings', () => {
    expect(decode('[1, null]').map((i) => (i.kind === 'invalid' ? i.reason : i.kind))).toEqual(['invalid_json', 'invalid_json']);
  });

  it('throws VIGIL_INPUT_TOO_LARGE past the line limit', () => {
    try {
      decodeLogBody(Buffer.from('x\n'.repeat(101)), limits);
      expect.unreachable();
    } catch (error) {
      expect(isVigilError(error, 'VIGIL_INPUT_TOO_LARGE')).toBe(true);
    }
  });
});

describe('decodeLogBody with envelopes', () => {
  const LINE = '{"requestId":"r1","ip":"203.0.113.1","httpMethod":"GET","status":"200"}';
  const awslogs = (messages: string[]) =>
    JSON.stringify({
      awslogs: {
        data: gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logGroup: 'g', logEvents: messages.map((message, i) => ({ id: String(i), timestamp: 1, message })) })).toString('base64'),
      },
    });
  const decodeUnwrapping = (body: string, budgetBytes = 1024 * 1024) =>
    asLineItems(decodeLogBody(Buffer.from(body), limits, new DecompressionBudget(budgetBytes, 'VIGIL_INGEST_MAX_DECOMPRESSED_BYTES')));

  it('reads a CloudWatch Logs subscription payload as the lines it carries, as a body, an array element or an NDJSON line', () => {
    const carried = [{ kind: 'object', value: JSON.parse(LINE) }, { kind: 'line', text: 'a text line' }];
    expect(decodeUnwrapping(awslogs([LINE, 'a text line']))).toEqual(carried);
    expect(decodeUnwrapping(`[${awslogs([LINE, 'a text line'])}, {"status":200}]`)).toEqual([...carried, { kind: 'object', value: { status: 200 } }]);
    expect(decodeUnwrapping(`${awslogs([LINE])}\n{"status":200}\n${awslogs(['a text line'])}\n`)).toEqual([
      carried[0],
      { kind: 'object', value: { status: 200 } },
      carried[1],
    ]);
  });

  it('unwraps one level only: an envelope inside an envelope is a record, for the parser to name', () => {
    const inner = JSON.parse(awslogs([LINE]));
    expect(decodeUnwrapping(awslogs([JSON.stringify(inner)]))).toEqual([{ kind: 'object', value: inner }]);
  });

  it('turns a broken envelope part into an invalid_envelope item', () => {
    const items = decodeUnwrapping('{"records":[{"data":42},{"data":"b2s="}]}');
    expect(items).toEqual([
      { kind: 'invalid', reason: 'invalid_envelope', sample: '', detail: 'record 0: data must be a base64 string' },
      { kind: 'line', text: 'ok' },
    ]);
  });

  it('counts what envelopes carry against the line limit and the decompression budget', () => {
    expect(() => decodeUnwrapping(awslogs(Array.from({ length: 101 }, () => 'x')))).toThrow(/VIGIL_INGEST_MAX_LINES/);
    expect(() => decodeUnwrapping(awslogs(['y'.repeat(4000)]), 2000)).toThrow(/VIGIL_INGEST_MAX_DECOMPRESSED_BYTES/);
  });

  it('without a budget, leaves envelopes to the parser as records', () => {
    expect(decode(awslogs([LINE]))).toEqual([{ kind: 'object', value: JSON.parse(awslogs([LINE])) }]);
  });
});
