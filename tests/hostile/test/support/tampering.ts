// Byte-level tampering with Base64 fields: what an attacker or a broken proxy can do to `sign` and `bizContent`.

const AES_BLOCK_BYTES = 16;

/** Flips bit `bit` (0 = most significant bit of the first byte) of the decoded bytes. */
export function flipBit(base64: string, bit: number): string {
  const bytes = Buffer.from(base64, 'base64');
  const index = Math.floor(bit / 8) % bytes.length;
  bytes[index] = (bytes[index] ?? 0) ^ (0x80 >> (bit % 8));
  return bytes.toString('base64');
}

export function byteLength(base64: string): number {
  return Buffer.from(base64, 'base64').length;
}

/** ECB cut-and-paste: swaps two whole cipher blocks. Each block still decrypts; the text is reordered. */
export function swapBlocks(base64: string, first: number, second: number): string {
  const bytes = Buffer.from(base64, 'base64');
  const a = Buffer.from(bytes.subarray(first * AES_BLOCK_BYTES, (first + 1) * AES_BLOCK_BYTES));
  bytes.copy(bytes, first * AES_BLOCK_BYTES, second * AES_BLOCK_BYTES, (second + 1) * AES_BLOCK_BYTES);
  a.copy(bytes, second * AES_BLOCK_BYTES);
  return bytes.toString('base64');
}

/** ECB cut: removes one whole cipher block. */
export function dropBlock(base64: string, block: number): string {
  const bytes = Buffer.from(base64, 'base64');
  return Buffer.concat([
    bytes.subarray(0, block * AES_BLOCK_BYTES),
    bytes.subarray((block + 1) * AES_BLOCK_BYTES),
  ]).toString('base64');
}

export function blockCount(base64: string): number {
  return byteLength(base64) / AES_BLOCK_BYTES;
}
