// createCodePay's options and the client's life (issue 15, findings 7, 8 and 10): unknown options are refused with
// the closest known one, a base URL that already ends in the API path is refused with the fix (it used to fail only
// on the first call, as an AuthenticationError blaming the keys and the clock), a secret pasted into `environment` is
// not echoed, and close() ends the connection pool.
import { describe, expect, it } from 'vitest';
import { ConfigurationError, ConnectionError, createCodePay, type CodePayOptions } from '../src/index.js';
import { useMockClient } from './support/mock-client.js';

function refusal(options: Record<string, unknown>): ConfigurationError {
  try {
    createCodePay(options as unknown as CodePayOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('createCodePay options', () => {
  const env = useMockClient();
  const keys = () => env.mock.clientKeys;

  it.each([
    ['enviroment', 'local', /did you mean environment\?/],
    ['timeoutMs', 1000, /did you mean timeout\?/],
    ['agent', {}, /did you mean proxy\?/],
    ['userAgentPrefix', 'me', /is not an option of createCodePay/],
  ])('%s → a ConfigurationError naming it and the closest option', (name, value, message) => {
    const error = refusal({ baseUrl: env.mock.url, ...keys(), [name]: value });
    expect(error.option).toBe(name);
    expect(error.message).toMatch(message);
  });

  it.each(['/api/v2', '/api/v2/pay'])(
    'a baseUrl ending in %s is refused at construction with the URL to pass',
    (path) => {
      const error = refusal({ baseUrl: `${env.mock.url}${path}`, ...keys() });
      expect(error.option).toBe('baseUrl');
      expect(error.message).toContain(`pass ${env.mock.url} instead`);
    },
  );

  it('a secret pasted into environment is not echoed', () => {
    const secret = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const error = refusal({ environment: secret, ...keys() });
    expect(error.option).toBe('environment');
    expect(error.message).not.toContain(secret);
  });
});

describe('close()', () => {
  const env = useMockClient();

  it('ends the pool: later calls fail at once with a ConnectionError, nothing sent; withOptions copies sharing it too', async () => {
    const codepay = createCodePay({ baseUrl: env.mock.url, ...env.mock.clientKeys, logLevel: 'silent' });
    const copy = codepay.withOptions({ language: 'fr-FR' });
    await codepay.balance.get({ currency: 'USD' });
    const requests = env.mock.requests.length;
    await codepay.close();
    expect(codepay.closed).toBe(true);
    expect(copy.closed).toBe(true);
    for (const client of [codepay, copy]) {
      const error = await client.orders
        .create({
          order_sn: 'CLOSED-1',
          currency: 'USD',
          amount: 1,
          payerID: 1,
          purposeOfTransaction: 'PAY_FOR_GOODS',
          description: 'x',
          domain: 'www.example.com',
          product: 'x',
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ outcomeUnknown: false });
      expect((error as Error).message).toMatch(/client was closed/);
    }
    expect(env.mock.requests.length).toBe(requests);
  });

  it('a copy with a pool of its own (another maxSockets) is not closed with the original', async () => {
    const codepay = createCodePay({ baseUrl: env.mock.url, ...env.mock.clientKeys, logLevel: 'silent' });
    const own = codepay.withOptions({ maxSockets: 4 });
    await codepay.close();
    await expect(own.balance.get({ currency: 'USD' })).resolves.toMatchObject({ currency: 'USD' });
    await own.close();
  });
});
