import { describe, expect, it } from 'vitest';
import { isCodePayError, ValidationError } from '../../src/errors.js';
import { useLoopbackGateway } from '../support/loopback-gateway.js';
import { orderParams, testClient } from '../support/test-client.js';

describe('validateParams policy', () => {
  const gateway = useLoopbackGateway();

  it('reports every issue with a JSON pointer and sends nothing', async () => {
    const client = testClient(gateway);
    const bad = { ...orderParams, currency: 'EUR', amount: -1, extra: true } as Record<string, unknown>;
    delete bad.domain;
    const error = await client.call('createOrder', bad as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['/amount', '/currency', '/domain', '/extra']);
    expect(issues.find((i) => i.path === '/currency')?.message).toBe(
      'must be one of "USD"; received a 3-character string that is none of them',
    );
    expect(issues.find((i) => i.path === '/domain')?.message).toBe('is required');
    expect((error as ValidationError).service).toBe('createOrder');
    expect((error as Error).message).toMatch(/^Invalid createOrder params, nothing was sent: /);
    expect(gateway.calls).toHaveLength(0);
    expect(gateway.tokenRequests).toBe(0);
  });

  it('names an emoji in a text field in words, not as a regular expression', async () => {
    const error = await testClient(gateway)
      .call('createOrder', { ...orderParams, description: 'Gift 🎁' })
      .catch((e: unknown) => e);
    expect(isCodePayError(error, 'ValidationError')).toBe(true);
    expect((error as ValidationError).issues).toEqual([
      expect.objectContaining({ path: '/description', message: expect.stringContaining('no emoji') }),
    ]);
  });

  // Every message a user can cause names the field, the rule in words and what was received — never a regular
  // expression, never the whole value (it may be personal data).
  it.each([
    [
      'createPayer',
      { address: 'Flat 1, Hong Kong' },
      '/address',
      'may contain only letters A–Z, digits and spaces; found ","',
    ],
    [
      'createPayer',
      { address: 'Rue de la Paix 3é' },
      '/address',
      'may contain only letters A–Z, digits and spaces; found "é"',
    ],
    ['createPayer', { phone: '9876-5432' }, '/phone', 'may contain only digits 0–9 (1 to 20 of them); found "-"'],
    [
      'createPayer',
      { phone: '1'.repeat(21) },
      '/phone',
      'must be digits 0–9 (1 to 20 of them) (received a 21-character string)',
    ],
    [
      'createPayer',
      { firstName: 'Pe\u{1F600}ter' },
      '/firstName',
      'may contain only characters of 1 to 3 bytes in UTF-8 (no emoji or other supplementary-plane characters); found U+1F600',
    ],
    [
      'createPayer',
      { areaCode: '0852' },
      '/areaCode',
      'must be 1 to 4 digits, not starting with 0 (received a 4-character string)',
    ],
    ['createPayer', { city: '' }, '/city', 'must not be empty'],
    [
      'createPayer',
      { address: 'a'.repeat(256) },
      '/address',
      'must be at most 255 characters; received 256 characters',
    ],
    ['createPayer', { areaCode: true }, '/areaCode', 'must be a whole number or text (a string); received a boolean'],
    [
      'createOrder',
      { skip3ds: 'true' },
      '/skip3ds',
      'must be one of "True", "False"; received "true" (did you mean "True"?)',
    ],
    ['createOrder', { amount: 0 }, '/amount', 'must be greater than 0'],
    [
      'queryOrders',
      { startTime: '2024-01-01T00:00:00Z' },
      '/startTime',
      'must be a UTC date written yyyy-MM-dd HH:mm:ss or yyyy-MM-dd (received a 20-character string)',
    ],
    ['queryOrders', { pageSize: 101 }, '/pageSize', 'must be at most 100'],
  ] as const)('%s %j → %s: %s', async (service, change, path, message) => {
    const base: Record<string, Record<string, unknown>> = {
      createPayer: {
        firstName: 'Peter',
        lastName: 'Pan',
        email: 'p@example.com',
        areaCode: 852,
        phone: '98765432',
        address: 'Hong Kong',
        city: 'HK',
        province: 'HK',
        postcode: '1',
        country: 'China',
      },
      createOrder: { ...orderParams },
      queryOrders: { startTime: '2024-01-01 00:00:00', endTime: '2024-01-02' },
    };
    const params = {
      ...base[service],
      ...(JSON.parse(JSON.stringify(change).replace('\\\\u{1F600}', '\\uD83D\\uDE00')) as object),
    };
    const error = await testClient(gateway)
      .call(service as never, params as never)
      .catch((e: unknown) => e);
    expect(isCodePayError(error, 'ValidationError'), String(error)).toBe(true);
    expect((error as ValidationError).issues).toEqual([{ path, message, keyword: expect.any(String) }]);
    expect((error as Error).message).not.toMatch(/\^|\$\)|\\[pu]/);
  });

  it('refuses an unknown service name', async () => {
    const error = await testClient(gateway)
      .call('deletePayer' as never, {} as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/Unknown service "deletePayer"/);
  });

  it.each(['toString', 'constructor', '__proto__'])(
    'refuses %s as a service name (an inherited name is not a service)',
    async (name) => {
      const error = await testClient(gateway)
        .call(name as never, {} as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain(`Unknown service "${name}"`);
    },
  );
});
