// Bytes → lines, decoded a block of whole lines at a time. Decoding each line on its own is a native
// call and a new string per line, which costs as much as parsing a short line does; decoding one
// block of a few hundred lines and giving each line as offsets into it costs a fraction of that, and
// a parser reads the line in place (EventParser.parseLineAt).

/**
 * A block is cut at the first newline after this many bytes. Small enough that the decoded block is
 * an ordinary heap string (V8 searches and slices much larger ones several times slower), large
 * enough that decoding per block costs next to nothing per line. A line longer than this is a block
 * of its own.
 */
const TEXT_BLOCK_BYTES = 32 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 13;

/**
 * Calls visit(text, start, end) for every line in bytes: text[start, end) is the line, without its
 * "\n" or a "\r" before it; a last line without a newline counts. For bytes that are valid UTF-8
 * (check with isUtf8 from node:buffer): a newline is never part of a multi-byte character, so
 * decoding a block of lines gives the same text as decoding each line.
 */
export function forEachLineInBlocks(bytes: Buffer, visit: (text: string, start: number, end: number) => void): void {
  let blockStart = 0;
  while (blockStart < bytes.length) {
    let blockEnd = bytes.length;
    if (blockStart + TEXT_BLOCK_BYTES < bytes.length) {
      const newline = bytes.indexOf(NEWLINE, blockStart + TEXT_BLOCK_BYTES);
      if (newline !== -1) blockEnd = newline + 1;
    }
    const text = bytes.toString('utf8', blockStart, blockEnd);
    let start = 0;
    while (start < text.length) {
      let newline = text.indexOf('\n', start);
      if (newline === -1) newline = text.length;
      const end = newline > start && text.charCodeAt(newline - 1) === CARRIAGE_RETURN ? newline - 1 : newline;
      visit(text, start, end);
      start = newline + 1;
    }
    blockStart = blockEnd;
  }
}
