import { describe, expect, it } from 'vitest';
import { decodeStrictBase64, isStrictBase64 } from '../../src/crypto/base64.js';

describe('decodeStrictBase64', () => {
  it.each([
    ['', ''],
    ['Zg==', 'f'],
    ['Zm8=', 'fo'],
    ['Zm9v', 'foo'],
    ['Zm9vYmFy', 'foobar'],
    ['+/+/', Buffer.from([0xfb, 0xff, 0xbf]).toString('latin1')],
  ])('decodes %j', (text, expected) => {
    expect(decodeStrictBase64(text)?.toString('latin1')).toBe(expected);
  });

  it.each([
    ['missing padding', 'Zg'],
    ['missing one padding character', 'Zg='],
    ['too much padding', 'Zg==='],
    ['padding in the middle', 'Zg==Zg=='],
    ['a lone padding block', '===='],
    ['URL-safe characters', 'a-_b'],
    ['whitespace', 'Zm9v Zm9v'],
    ['a line break', 'Zm9v\nZm9v'],
    ['non-ASCII', 'Zm9ü'],
    ['non-zero bits before "=="', 'Zh=='],
    ['non-zero bits before "="', 'Zm9='],
  ])('rejects %s', (_case, text) => {
    expect(isStrictBase64(text)).toBe(false);
    expect(decodeStrictBase64(text)).toBeUndefined();
  });

  it('round-trips every byte value', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, value) => value));
    for (let length = 0; length <= bytes.length; length += 1) {
      const text = bytes.subarray(0, length).toString('base64');
      expect(decodeStrictBase64(text)?.equals(bytes.subarray(0, length))).toBe(true);
    }
  });
});
