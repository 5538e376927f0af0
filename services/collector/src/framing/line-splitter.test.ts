import { describe, expect, it } from 'vitest';
import { LineSplitter, splitLines, type Frame } from './line-splitter';

const text = (frames: Frame[]) => frames.map((f) => (f.kind === 'line' ? f.bytes.toString() : `<too_long:${f.sample.length}>`));

describe('LineSplitter', () => {
  it('splits on newlines and drops a trailing carriage return', () => {
    expect(text(splitLines(Buffer.from('a\r\nb\nc'), 100))).toEqual(['a', 'b', 'c']);
  });

  it('carries a partial line across chunks', () => {
    const splitter = new LineSplitter(100);
    expect(text(splitter.push(Buffer.from('hel')))).toEqual([]);
    expect(text(splitter.push(Buffer.from('lo\nwor')))).toEqual(['hello']);
    expect(text(splitter.push(Buffer.from('ld\n')))).toEqual(['world']);
    expect(text(splitter.end())).toEqual([]);
  });

  it('keeps empty lines as empty frames so callers can decide', () => {
    expect(text(splitLines(Buffer.from('a\n\nb\n'), 10))).toEqual(['a', '', 'b']);
  });

  it('turns a line over the cap into one too_long frame and resumes at the next line', () => {
    const splitter = new LineSplitter(5);
    const frames = [...splitter.push(Buffer.from('abc')), ...splitter.push(Buffer.from('defgh')), ...splitter.push(Buffer.from('ijk\nok\n'))];
    expect(text(frames)).toEqual(['<too_long:8>', 'ok']);
  });

  it('rejects an over-long line inside one chunk with a sample of at most 1 KiB', () => {
    const frames = splitLines(Buffer.concat([Buffer.alloc(5000, 0x61), Buffer.from('\nnext')]), 100);
    expect(text(frames)).toEqual(['<too_long:1024>', 'next']);
  });

  it('accepts a line exactly at the cap, with or without a carriage return', () => {
    expect(text(splitLines(Buffer.from('12345\r\n12345\n'), 5))).toEqual(['12345', '12345']);
  });

  it('does not let a caller reusing its chunk buffer corrupt a carried line', () => {
    const splitter = new LineSplitter(100);
    const reused = Buffer.from('abc');
    splitter.push(reused);
    reused.write('xyz');
    expect(text(splitter.push(Buffer.from('\n')))).toEqual(['abc']);
  });
});
