import { describe, expect, it } from 'vitest';
import { itemsFromLines, type IngestItem } from './ingest-item';
import { asLineItems } from './test-items';

function items(bytes: Buffer, maxLineBytes = 64, messageKeys?: readonly string[]): IngestItem[] {
  const out: IngestItem[] = [];
  itemsFromLines(bytes, maxLineBytes, (item) => out.push(item), messageKeys);
  return out;
}

describe('itemsFromLines', () => {
  it('gives each non-blank line of UTF-8 as a span of a decoded block, CRLF or not', () => {
    const out = items(Buffer.from('first line\r\n\n \t \nsecond é line\nlast'));
    expect(out.every((item) => item.kind === 'span')).toBe(true);
    expect(asLineItems(out)).toEqual([
      { kind: 'line', text: 'first line' },
      { kind: 'line', text: 'second é line' },
      { kind: 'line', text: 'last' },
    ]);
  });

  it('measures the line cap in bytes, as the framing of other inputs does', () => {
    const out = items(Buffer.from(`${'é'.repeat(20)}\n${'é'.repeat(40)}\nok\n`), 64);
    expect(asLineItems(out)).toEqual([
      { kind: 'line', text: 'é'.repeat(20) },
      { kind: 'invalid', reason: 'line_too_long', sample: 'é'.repeat(40), detail: 'line exceeds VIGIL_MAX_LINE_LENGTH' },
      { kind: 'line', text: 'ok' },
    ]);
  });

  it('hands a line that is not UTF-8 to the parser decoded with U+FFFD, the others unchanged', () => {
    const out = items(Buffer.concat([Buffer.from('good one\nbad '), Buffer.from([0xff, 0xfe]), Buffer.from('\ngood two\n')]));
    expect(asLineItems(out)).toEqual([
      { kind: 'line', text: 'good one' },
      { kind: 'line', text: 'bad \uFFFD\uFFFD' },
      { kind: 'line', text: 'good two' },
    ]);
  });

  it('decodes JSON object lines and unwraps shipper wrappers when given message keys', () => {
    const body = Buffer.from('{"status":200}\n{"log":"wrapped line"}\n{"broken":\nplain\n');
    expect(asLineItems(items(body, 1024, ['log']))).toEqual([
      { kind: 'object', value: { status: 200 } },
      { kind: 'line', text: 'wrapped line' },
      { kind: 'line', text: '{"broken":' },
      { kind: 'line', text: 'plain' },
    ]);
    expect(asLineItems(items(body, 1024)).map((item) => item.kind)).toEqual(['line', 'line', 'line', 'line']);
  });
});
