// Single-character searches within one line of a larger text: a block of many lines decoded at once.
// String#indexOf does not stop at the line's end, so searching every line of a block for a
// character the block lacks would scan the rest of the block each time (quadratic in the block).
// A finder keeps its last answer and reuses it while it still holds, so no stretch of a block is
// scanned twice for the same character by lines read in order.

export class CharFinder {
  private text = '';
  private from = 0;
  /** The first index >= from of the character in text, -1 when none. */
  private found = -1;

  constructor(private readonly char: string) {}

  /** Index of the character in text[from, end), -1 when it is not there. */
  in(text: string, from: number, end: number): number {
    let found = this.found;
    if (from < this.from || (found !== -1 && from > found) || text !== this.text) {
      found = text.indexOf(this.char, from);
      this.text = text;
      this.from = from;
      this.found = found;
    }
    return found < end ? found : -1;
  }
}
