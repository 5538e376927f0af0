import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CharFinder } from './char-finder';

/** indexOf limited to text[from, end). */
function reference(text: string, char: string, from: number, end: number): number {
  const found = text.indexOf(char, from);
  return found !== -1 && found < end ? found : -1;
}

describe('CharFinder', () => {
  it('answers as a bounded indexOf for any order of searches and any texts', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '"', 'é'), maxLength: 60 });
    const search = fc.record({ which: fc.nat(2), from: fc.nat(70), length: fc.nat(70) });
    fc.assert(
      fc.property(fc.array(text, { minLength: 3, maxLength: 3 }), fc.array(search, { maxLength: 40 }), (texts, searches) => {
        const finder = new CharFinder(' ');
        for (const { which, from, length } of searches) {
          const t = texts[which] as string;
          expect(finder.in(t, from, from + length)).toBe(reference(t, ' ', from, from + length));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reuses its answer for searches that move forward to it, so a block without the character is scanned once', () => {
    const block = `${'x'.repeat(100)}\n`.repeat(50);
    const finder = new CharFinder('"');
    let scans = 0;
    const original = String.prototype.indexOf;
    String.prototype.indexOf = function (this: string, ...args: Parameters<string['indexOf']>) {
      scans++;
      return original.apply(this, args);
    };
    try {
      for (let line = 0; line < 50; line++) expect(finder.in(block, line * 101, line * 101 + 100)).toBe(-1);
    } finally {
      String.prototype.indexOf = original;
    }
    expect(scans).toBe(1);
  });
});
