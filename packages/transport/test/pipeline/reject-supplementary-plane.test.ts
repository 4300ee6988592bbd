import { describe, expect, it } from 'vitest';
import { services } from '@codepay/models';
import { ValidationError } from '../../src/errors.js';
import { findSupplementaryPlaneText, rejectSupplementaryPlanePolicy } from '../../src/pipeline/reject-supplementary-plane.js';
import type { EnvelopeRequest } from '../../src/pipeline/policy.js';

const request = (params: unknown) => ({ service: 'createPayer', definition: services.createPayer, params }) as unknown as EnvelopeRequest;

describe('rejectSupplementaryPlane policy', () => {
  it('finds emoji and lone surrogates anywhere, naming each JSON path (escaped per RFC 6901)', () => {
    const found = findSupplementaryPlaneText({ a: 'ok é 中', b: ['x', 'smile 😀'], 'c/d': { e: 'lone \uD83D' }, f: 12 });
    expect(found.map((i) => i.path)).toEqual(['/b/1', '/c~1d/e']);
  });

  it('accepts every character of the Basic Multilingual Plane', () => {
    expect(findSupplementaryPlaneText({ text: '\u0000 \uD7FF \uE000 \uFFFF 张三 Montréal €' })).toEqual([]);
  });

  it('throws a ValidationError before calling the next policy', async () => {
    let called = false;
    const error = await rejectSupplementaryPlanePolicy
      .sendRequest(request({ note: '🚀' }), async () => {
        called = true;
        return { http: { status: 200, headers: new Headers(), bodyText: '' } };
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('/note');
    expect(called).toBe(false);
  });
});
