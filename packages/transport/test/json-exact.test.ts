import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonExact } from '../src/json-exact.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** Whether a parsed JSON value holds an integer JSON.parse could not have kept exactly. */
function hasUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) > MAX;
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasUnsafeInteger);
  return false;
}

describe('parseJsonExact: integers beyond 2^53 arrive exactly, as decimal strings', () => {
  it.each([
    ['at the top level', '9007199254740993', '9007199254740993'],
    ['2^53 itself (the first unsafe integer)', '9007199254740992', '9007199254740992'],
    ['negative', '-9007199254740993', '-9007199254740993'],
    ['far beyond', '123456789012345678901234567890', '123456789012345678901234567890'],
  ])('%s', (_label, text, expected) => {
    expect(parseJsonExact(text)).toBe(expected);
  });

  it('finds them after any JSON whitespace, as pretty-printed answers have them', () => {
    expect(parseJsonExact('{\n  "a": [\n\t9007199254740993,\r\n  -9007199254740993 ]}')).toEqual({
      a: ['9007199254740993', '-9007199254740993'],
    });
  });

  it('keeps safe integers, even 16-digit ones, as numbers', () => {
    expect(parseJsonExact(`[${MAX},-${MAX},1000000000000000,0]`)).toEqual([MAX, -MAX, 1000000000000000, 0]);
  });

  it('finds them nested in arrays and objects, next to other values', () => {
    const text =
      '{"total":1,"orders":[{"payerID":9007199254740993,"amount":10.5,"ids":[1, 18446744073709551615 ,-9007199254740999]}],"n":null}';
    expect(parseJsonExact(text)).toEqual({
      total: 1,
      orders: [{ payerID: '9007199254740993', amount: 10.5, ids: [1, '18446744073709551615', '-9007199254740999'] }],
      n: null,
    });
  });

  it('the payerID JSON.parse rounds (…993 becomes …992) comes out exact', () => {
    const text = '{"orders":[{"payerID":9007199254740993}]}';
    expect((JSON.parse(text) as { orders: { payerID: number }[] }).orders[0]!.payerID).toBe(9007199254740992);
    expect(parseJsonExact(text)).toEqual({ orders: [{ payerID: '9007199254740993' }] });
  });

  it('leaves decimals with a fraction or an exponent as numbers', () => {
    expect(
      parseJsonExact(
        '[12345678901234567890.5, 12345678901234567890e2, 1.2345678901234567890E5, -12345678901234567890.0]',
      ),
    ).toEqual([12345678901234567890.5, 12345678901234567890e2, 1.234567890123456789e5, -12345678901234567890]);
  });

  it('leaves digits inside strings untouched, keys included', () => {
    const text = '{"psn":"PSN20240101121210000001","12345678901234567890":"12345678901234567890","n":1}';
    expect(parseJsonExact(text)).toEqual(JSON.parse(text));
  });

  it('honours escapes: escaped quotes and backslashes before a big integer', () => {
    const text = String.raw`{"a":"say \"hi\" 12345678901234567890 \\","b":12345678901234567890,"c":"\\\"12345678901234567890\\"}`;
    expect(parseJsonExact(text)).toEqual({
      a: 'say "hi" 12345678901234567890 \\',
      b: '12345678901234567890',
      c: '\\"12345678901234567890\\',
    });
  });

  it('refuses exactly what JSON.parse refuses (a big integer is never made into a key)', () => {
    for (const text of [
      '{12345678901234567890:1}',
      '{"a":1,12345678901234567890:2}',
      '00000000000000000001',
      '[-012345678901234567890]',
      '[12345678901234567890 12345678901234567890]',
      '"unterminated 12345678901234567890',
      '[12345678901234567890,]',
      '{"a":12345678901234567890:1}',
      '',
    ]) {
      expect(() => JSON.parse(text), text).toThrow(SyntaxError);
      expect(() => parseJsonExact(text), text).toThrow(SyntaxError);
    }
  });

  it('property: any JSON text without an unsafe integer parses exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 0, 1, '\t'), (value, indent) => {
        fc.pre(!hasUnsafeInteger(value));
        const text = JSON.stringify(value, null, indent);
        expect(parseJsonExact(text)).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('property: texts with long digit runs in strings and safe numbers still parse as JSON.parse does', () => {
    const digits = fc.stringMatching(/^[0-9]{16,24}$/);
    const leaf = fc.oneof(
      digits,
      digits.map((d) => `"\\${d}`),
      fc.integer({ min: -MAX, max: MAX }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node')),
        fc.dictionary(fc.oneof(fc.string(), digits), tie('node')),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (value) => {
        fc.pre(!hasUnsafeInteger(value));
        const text = JSON.stringify(value);
        expect(parseJsonExact(text)).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('property: every unsafe integer literal, wherever it sits, arrives as its exact digits', () => {
    const big = fc
      .bigInt({ min: BigInt(MAX) + 1n, max: 10n ** 30n })
      .chain((n) => fc.constantFrom(n, -n))
      .map(String);
    const TAG = '\u0001big:';
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        big.map((digits) => TAG + digits),
        fc.jsonValue({ maxDepth: 1 }).filter((v) => !hasUnsafeInteger(v)),
        fc.array(tie('node')),
        fc.dictionary(fc.string(), tie('node')),
      ),
    })).node;
    // The tag starts with a control character, which JSON.stringify escapes inside any other string.
    const tagged = /"\\u0001big:(-?[0-9]+)"/g;
    const untag = (value: unknown): unknown =>
      typeof value === 'string' && value.startsWith(TAG)
        ? value.slice(TAG.length)
        : Array.isArray(value)
          ? value.map(untag)
          : typeof value === 'object' && value !== null
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, untag(v)]))
            : // JSON has no negative zero: -0 is written as 0.
              Object.is(value, -0)
              ? 0
              : value;
    fc.assert(
      fc.property(tree, (value) => {
        const text = JSON.stringify(value).replace(tagged, '$1');
        expect(parseJsonExact(text)).toStrictEqual(untag(value));
      }),
      { numRuns: 500 },
    );
  });
});
