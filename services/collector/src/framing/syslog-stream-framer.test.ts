import { describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/contract';
import type { Frame } from './line-splitter';
import { SyslogStreamFramer } from './syslog-stream-framer';

const text = (frames: Frame[]) => frames.map((f) => (f.kind === 'line' ? f.bytes.toString() : '<too_long>'));

describe('SyslogStreamFramer', () => {
  it('decodes newline-terminated messages', () => {
    const framer = new SyslogStreamFramer(1000);
    expect(text(framer.push(Buffer.from('<34>one\n<34>two\n')))).toEqual(['<34>one', '<34>two']);
  });

  it('decodes octet-counted messages split at any byte', () => {
    const stream = Buffer.from('7 <34>abc12 <34>line\nxyz');
    for (let cut = 0; cut <= stream.length; cut++) {
      const framer = new SyslogStreamFramer(1000);
      const frames = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(text(frames)).toEqual(['<34>abc', '<34>line\nxyz']);
    }
  });

  it('mixes both framings on one stream', () => {
    const framer = new SyslogStreamFramer(1000);
    expect(text(framer.push(Buffer.from('<1>plain\n5 <1>ab<1>again\n')))).toEqual(['<1>plain', '<1>ab', '<1>again']);
  });

  it('keeps a newline-terminated message that starts in one chunk and ends in the next', () => {
    const framer = new SyslogStreamFramer(1000);
    expect(text(framer.push(Buffer.from('<1>par')))).toEqual([]);
    expect(text(framer.push(Buffer.from('t1 with 5 digits\n')))).toEqual(['<1>part1 with 5 digits']);
  });

  it('reads a line that starts with digits but no octet count up to its newline, split at any byte', () => {
    const stream = Buffer.from('203.0.113.9 - - "GET /a HTTP/1.1" 200\n12 no pri\n12 <html>\n7 <34>abc1234567890 <1>x\n');
    for (let cut = 0; cut <= stream.length; cut++) {
      const framer = new SyslogStreamFramer(1000);
      const frames = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(text(frames)).toEqual(['203.0.113.9 - - "GET /a HTTP/1.1" 200', '12 no pri', '12 <html>', '<34>abc', '1234567890 <1>x']);
    }
  });

  it('ends a stream whose last bytes are digits with those digits as the last line', () => {
    const framer = new SyslogStreamFramer(1000);
    expect(text(framer.push(Buffer.from('<1>a\n12')))).toEqual(['<1>a']);
    expect(text(framer.end())).toEqual(['12']);
  });

  it('skips an octet-counted message over the limit by its length and reports it as too long, split at any byte', () => {
    const long = `<34>${'x'.repeat(2000)}`;
    const stream = Buffer.from(`7 <34>abc${long.length} ${long}7 <34>def<34>line\n`);
    for (let cut = 0; cut <= stream.length; cut += 7) {
      const framer = new SyslogStreamFramer(100);
      const frames = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(text(frames)).toEqual(['<34>abc', '<too_long>', '<34>def', '<34>line']);
      const tooLong = frames[1];
      expect(tooLong?.kind === 'too_long' && tooLong.sample.toString()).toBe(long.slice(0, 1024));
    }
  });

  it('throws at end of stream inside an unfinished octet-counted frame', () => {
    const framer = new SyslogStreamFramer(100);
    framer.push(Buffer.from('50 <34>short'));
    try {
      framer.end();
      expect.unreachable();
    } catch (error) {
      expect(isVigilError(error, 'VIGIL_CONTRACT_INVALID')).toBe(true);
      expect((error as Error).message).toMatch(/ended inside/);
    }
  });
});
