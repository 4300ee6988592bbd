import { describe, expect, it } from 'vitest';
import { flatSigningText } from '../src/gateway-error.js';
import { parsePreferHeader } from '../src/prefer-header.js';
import { parseUtcDateTime, tokenSigningText } from '../src/token-handler.js';

describe('flatSigningText', () => {
  it('sorts keys, leaves out empty values and sign', () => {
    expect(flatSigningText({ psn: 'PSN1', msg: 'Bad', code: 'E1', sign: 'xyz' })).toBe('code=E1&msg=Bad&psn=PSN1');
    expect(flatSigningText({ psn: 'PSN1', msg: '', code: 'E1', extra: null, other: undefined })).toBe(
      'code=E1&psn=PSN1',
    );
  });
});

describe('tokenSigningText', () => {
  it('is appId=…&timestamp=…', () => {
    expect(tokenSigningText('app_1', '2024-01-01 12:00:00')).toBe('appId=app_1&timestamp=2024-01-01 12:00:00');
  });
});

describe('parseUtcDateTime', () => {
  it('reads yyyy-MM-dd HH:mm:ss as UTC', () => {
    expect(parseUtcDateTime('2024-01-01 12:00:00')).toBe(Date.UTC(2024, 0, 1, 12));
    expect(parseUtcDateTime('2024-02-29 23:59:59')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
  });

  it('refuses other formats and impossible dates', () => {
    for (const text of [
      '2024-01-01T12:00:00Z',
      '2024-01-01',
      '2024-1-1 12:00:00',
      '2023-02-29 00:00:00',
      '2024-01-01 24:00:00',
      ' 2024-01-01 12:00:00',
    ]) {
      expect(parseUtcDateTime(text), text).toBeUndefined();
    }
  });
});

describe('parsePreferHeader', () => {
  it('reads code, example and dynamic like the Prism CLI', () => {
    expect(parsePreferHeader('code=200, example="big", dynamic=true')).toEqual({
      code: 200,
      exampleKey: 'big',
      dynamic: true,
    });
    expect(parsePreferHeader('dynamic=false')).toEqual({ dynamic: false });
  });

  it('ignores what it does not understand', () => {
    expect(parsePreferHeader(undefined)).toEqual({});
    expect(parsePreferHeader('respond-async, wait=10, code=abc, dynamic=maybe')).toEqual({});
  });
});
