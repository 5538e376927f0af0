// A UTF-8 byte order mark (EF BB BF) before an input's first byte: Windows tools and some exporters
// write one. It is not text, and left in place it hides what the input starts with (a JSON
// document's "[" or "{") and sticks to the first line.

export function withoutByteOrderMark(bytes: Buffer): Buffer {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}
