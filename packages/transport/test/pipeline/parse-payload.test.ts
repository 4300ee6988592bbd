import { describe, expect, it } from 'vitest';
import { ResponseFormatError } from '../../src/errors.js';
import { successBody, useLoopbackGateway } from '../support/loopback-gateway.js';
import { balanceParams, testClient } from '../support/test-client.js';

describe('parsePayload policy', () => {
  const gateway = useLoopbackGateway();

  it.each([
    ['a payload without status', { data: { currency: 'USD', balance: '1' } }],
    ['a status other than 0 or -1', { status: 1, data: null }],
    ['a JSON string instead of an object', 'ok'],
  ])('refuses %s after verification', async (_label, payload) => {
    gateway.handle(async () => ({ status: 200, body: await successBody(payload) }));
    const error = await testClient(gateway).call('getBalance', balanceParams).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as Error).message).toMatch(/not a business payload/);
  });
});
