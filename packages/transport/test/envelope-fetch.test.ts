import { describe, expect, it } from 'vitest';
import { createEnvelopeFetch, PSN_HEADER } from '../src/envelope-fetch.js';
import { BusinessError, ValidationError } from '../src/errors.js';
import { ok, useLoopbackGateway } from './support/loopback-gateway.js';
import { clientOptions } from './support/test-client.js';

describe('createEnvelopeFetch', () => {
  const gateway = useLoopbackGateway();

  it('turns POST /services/<service> into the envelope and answers the verified business payload', async () => {
    gateway.handle(() => ({ ...ok({ currency: 'USD', balance: '3.50' }), psn: 'PSN-F' }));
    const envelopeFetch = createEnvelopeFetch(clientOptions(gateway));
    const response = await envelopeFetch('http://codepay.invalid/services/getBalance', {
      method: 'POST',
      body: JSON.stringify({ currency: 'USD' }),
      headers: { 'x-mock-scenario': 'none' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get(PSN_HEADER)).toBe('PSN-F');
    expect(await response.json()).toEqual({
      status: 0,
      errorCode: null,
      errorMessage: null,
      data: { currency: 'USD', balance: '3.50' },
    });
    expect(gateway.calls.at(-1)).toMatchObject({ service: 'getBalance', params: { currency: 'USD' } });
    expect(gateway.calls.at(-1)?.headers['x-mock-scenario']).toBe('none');
  });

  it('throws the typed errors of the pipeline', async () => {
    gateway.handle(() => ({
      payload: { status: -1, errorCode: 'P0001', errorMessage: 'Payer not found', data: null },
    }));
    const envelopeFetch = createEnvelopeFetch(clientOptions(gateway));
    await expect(
      envelopeFetch('http://x/services/getPayer', { method: 'POST', body: '{"email":"a@example.com"}' }),
    ).rejects.toBeInstanceOf(BusinessError);
    await expect(envelopeFetch('http://x/services/nope', { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      envelopeFetch('http://x/services/getBalance', { method: 'POST', body: 'not json' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
