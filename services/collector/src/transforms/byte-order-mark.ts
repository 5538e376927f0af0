// Byte order marks before an input's first byte. A UTF-8 one (EF BB BF), which Windows tools and
// some exporters write, is not text: left in place it hides what the input starts with (a JSON
// document's "[" or "{") and sticks to the first line. A UTF-16 one (FF FE, FE FF), which Windows
// PowerShell 5 writes, says the bytes are not UTF-8 at all.

export function withoutByteOrderMark(bytes: Buffer): Buffer {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/** The byte order of UTF-16 text that starts with its byte order mark; undefined for anything else. */
export function utf16ByteOrder(head: Uint8Array): 'little-endian' | 'big-endian' | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'little-endian';
  if (head[0] === 0xfe && head[1] === 0xff) return 'big-endian';
  return undefined;
}
