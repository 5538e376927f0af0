import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/contract';
import { DecompressionBudget, unwrapEnvelope, type EnvelopePiece } from './envelopes';

const MiB = 1024 * 1024;
const budget = () => new DecompressionBudget(MiB, 'THE_LIMIT');
const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64');
const payload = (messageType: string, messages: string[]) => ({
  messageType,
  owner: '123456789012',
  logGroup: 'API-Gateway-Execution-Logs',
  logStream: 's',
  subscriptionFilters: ['vigil'],
  logEvents: messages.map((message, i) => ({ id: String(i), timestamp: 1, message })),
});
const awslogs = (messageType: string, messages: string[]) => ({ awslogs: { data: b64(gzipSync(JSON.stringify(payload(messageType, messages)))) } });
const texts = (pieces: EnvelopePiece[] | undefined) => pieces?.map((p) => (p.kind === 'body' ? p.bytes.toString('utf8') : `invalid: ${p.detail}`));

const LINE = '{"requestId":"r1","ip":"203.0.113.1","httpMethod":"GET","status":"200"}';

describe('unwrapEnvelope', () => {
  it('reads the gzip\'d CloudWatch Logs payload a subscription Lambda receives ({"awslogs":{"data"}})', () => {
    expect(texts(unwrapEnvelope(awslogs('DATA_MESSAGE', [LINE, 'second line']), budget()))).toEqual([LINE, 'second line']);
  });

  it('reads a CloudWatch Logs payload already decoded, and a control message as nothing', () => {
    expect(texts(unwrapEnvelope(payload('DATA_MESSAGE', [LINE]), budget()))).toEqual([LINE]);
    expect(unwrapEnvelope(payload('CONTROL_MESSAGE', ['CWL CONTROL MESSAGE']), budget())).toEqual([]);
    expect(unwrapEnvelope(awslogs('CONTROL_MESSAGE', ['CWL CONTROL MESSAGE']), budget())).toEqual([]);
  });

  it('reads a records envelope: plain base64 bodies, and gzip\'d CloudWatch payloads inside', () => {
    const value = { records: [{ data: b64('a line\nanother\n') }, { data: b64(gzipSync(JSON.stringify(payload('DATA_MESSAGE', [LINE])))) }] };
    expect(texts(unwrapEnvelope(value, budget()))).toEqual(['a line\nanother\n', LINE]);
  });

  it('names each broken part and keeps the others', () => {
    const value = { records: [{ data: 42 }, { data: b64(Buffer.from([0x1f, 0x8b, 1, 2, 3])) }, { data: b64('kept') }] };
    expect(texts(unwrapEnvelope(value, budget()))).toEqual([
      'invalid: record 0: data must be a base64 string',
      'invalid: record 1: data is not valid gzip',
      'kept',
    ]);
    expect(texts(unwrapEnvelope({ awslogs: { data: b64('not gzip') } }, budget()))).toEqual([
      "invalid: CloudWatch Logs awslogs: data is not a gzip'd DATA_MESSAGE or CONTROL_MESSAGE",
    ]);
    expect(texts(unwrapEnvelope({ messageType: 'DATA_MESSAGE', logEvents: 'x' }, budget()))).toEqual(['invalid: CloudWatch Logs DATA_MESSAGE: logEvents must be an array']);
  });

  it('stops at the budget: gzip\'d data that inflates past it is VIGIL_INPUT_TOO_LARGE, naming the limit', () => {
    const bomb = { awslogs: { data: b64(gzipSync(JSON.stringify(payload('DATA_MESSAGE', ['x'.repeat(2 * MiB)])))) } };
    let thrown: unknown;
    try {
      unwrapEnvelope(bomb, budget());
    } catch (error) {
      thrown = error;
    }
    expect(isVigilError(thrown) && thrown.code).toBe('VIGIL_INPUT_TOO_LARGE');
    expect((thrown as Error).message).toContain('THE_LIMIT');
  });

  it('the budget counts every part of one input together', () => {
    const shared = new DecompressionBudget(1500, 'THE_LIMIT');
    const part = { data: b64(gzipSync('y'.repeat(1000))) };
    expect(() => unwrapEnvelope({ records: [part] }, shared)).not.toThrow();
    expect(() => unwrapEnvelope({ records: [part] }, shared)).toThrow(/THE_LIMIT/);
  });

  it('leaves access-log records alone, even ones with fields of similar names', () => {
    for (const record of [JSON.parse(LINE), { records: [] }, { records: ['a', 'b'] }, { messageType: 'DATA_MESSAGE' }, { awslogs: 'text' }, [1, 2], 'line', null]) {
      expect(unwrapEnvelope(record, budget())).toBeUndefined();
    }
  });
});
