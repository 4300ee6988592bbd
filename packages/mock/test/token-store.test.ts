import { describe, expect, it } from 'vitest';
import { TokenStore } from '../src/token-store.js';

describe('TokenStore', () => {
  it('knows valid, expired and unknown tokens', () => {
    let now = 1_000_000;
    const store = new TokenStore(10, () => now);
    const { accessToken, expiresIn } = store.issue();
    expect(expiresIn).toBe(10);
    expect(accessToken).toMatch(/^mock_[A-Za-z0-9_-]{43}$/);
    expect(store.check(accessToken)).toBe('valid');
    now += 9_999;
    expect(store.check(accessToken)).toBe('valid');
    now += 1;
    expect(store.check(accessToken)).toBe('expired');
    expect(store.check('mock_other')).toBe('unknown');
  });

  it('forgets tokens an hour after they expired, so a long run stays bounded', () => {
    let now = 0;
    const store = new TokenStore(1, () => now);
    const old = store.issue().accessToken;
    now += 1000 + 60 * 60 * 1000 + 1;
    store.issue();
    expect(store.check(old)).toBe('unknown');
    expect(store.size).toBe(1);
  });

  it('expireAll() expires every token now', () => {
    const store = new TokenStore(3600);
    const token = store.issue().accessToken;
    store.expireAll();
    expect(store.check(token)).toBe('expired');
  });

  it('refuses a lifetime that is not a positive integer', () => {
    for (const ttl of [0, -1, 1.5]) expect(() => new TokenStore(ttl)).toThrow(RangeError);
  });
});
