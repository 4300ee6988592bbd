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
    expect(issues.find((i) => i.path === '/currency')?.message).toBe('must be one of "USD"');
    expect(issues.find((i) => i.path === '/domain')?.message).toBe('is required');
    expect((error as ValidationError).service).toBe('createOrder');
    expect((error as Error).message).toMatch(/^Invalid createOrder params, nothing was sent: /);
    expect(gateway.calls).toHaveLength(0);
    expect(gateway.tokenRequests).toBe(0);
  });

  it('names an emoji in a text field in words, not as a regular expression', async () => {
    const error = await testClient(gateway).call('createOrder', { ...orderParams, description: 'Gift 🎁' }).catch((e: unknown) => e);
    expect(isCodePayError(error, 'ValidationError')).toBe(true);
    expect((error as ValidationError).issues).toEqual([
      expect.objectContaining({ path: '/description', message: expect.stringContaining('no emoji') }),
    ]);
  });

  it('refuses an unknown service name', async () => {
    const error = await testClient(gateway).call('deletePayer' as never, {} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/Unknown service "deletePayer"/);
  });

  it.each(['toString', 'constructor', '__proto__'])('refuses %s as a service name (an inherited name is not a service)', async (name) => {
    const error = await testClient(gateway).call(name as never, {} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(`Unknown service "${name}"`);
  });
});
