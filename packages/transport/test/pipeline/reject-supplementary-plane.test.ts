import { describe, expect, it } from 'vitest';
import { services } from '@codepay/models';
import { ValidationError } from '../../src/errors.js';
import {
  findSupplementaryPlaneText,
  rejectSupplementaryPlanePolicy,
} from '../../src/pipeline/reject-supplementary-plane.js';
import type { EnvelopeRequest } from '../../src/pipeline/policy.js';

const request = (params: unknown) =>
  ({ service: 'createPayer', definition: services.createPayer, params }) as unknown as EnvelopeRequest;

describe('rejectSupplementaryPlane policy', () => {
  it('finds emoji and lone surrogates anywhere, naming each JSON path (escaped per RFC 6901)', () => {
    const found = findSupplementaryPlaneText({
      a: 'ok é 中',
      b: ['x', 'smile 😀'],
      'c/d': { e: 'lone \uD83D' },
      f: 12,
    });
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

  it.each([
    ['a nested array item', { items: [{ tags: ['ok', 'x😀'] }] }, '/items/0/tags/1'],
    ['a field name', { 'k\uD83D\uDE00': 'value' }, '/k\uD83D\uDE00'],
    ['a lone low surrogate deep down', { a: { b: { c: 'end \uDC00' } } }, '/a/b/c'],
  ])('refuses %s, naming its path; clean params pass straight through', async (_label, params, path) => {
    const next = async () => ({ http: { status: 200, headers: new Headers(), bodyText: '' } });
    const error = await rejectSupplementaryPlanePolicy.sendRequest(request(params), next).catch((e: unknown) => e);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([path]);
    await expect(
      rejectSupplementaryPlanePolicy.sendRequest(request({ items: [{ tags: ['ok', 'é中'] }], n: 1, z: null }), next),
    ).resolves.toBeDefined();
  });
});
