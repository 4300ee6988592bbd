import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useMockClient } from './support/mock-client.js';
import { services, serviceNames, type ServiceName } from '@codepay/models';
import { BusinessError } from '../src/index.js';

/** The first request example of a service in the spec: valid params, for a service added tomorrow too. */
const example = (service: ServiceName): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../spec/bizcontent/${service}.request.json`, import.meta.url), 'utf8'))
    .examples[0];

describe('every service through the SDK against @codepay/mock over loopback', () => {
  // The calls send the spec's examples (payer 157774, an order this gateway never created): answer them from the
  // spec's examples rather than "not found".
  const env = useMockClient({ unknownRecords: 'examples' });

  /** The service's method, found where the registry says (`client[resource][method]`); a list is read a page. */
  async function call(service: ServiceName): Promise<unknown> {
    const { resource, method } = services[service];
    const group = (env.codepay as unknown as Record<string, Record<string, (params: unknown) => unknown>>)[resource]!;
    const made = group[method]!(example(service)) as Promise<unknown> | { page: () => Promise<unknown> };
    return 'page' in made ? made.page() : made;
  }

  it.each(serviceNames)('%s succeeds: typed data that passes the result validator, with its psn', async (service) => {
    const before = env.mock.requests.length;
    const result = (await call(service)) as Record<string, unknown> & { psn: string };
    expect(services[service].validateResult(result)).toBe(true);
    expect(result.psn).toMatch(/\S/);
    expect(Object.keys(result)).not.toContain('psn'); // non-enumerable: stays out of JSON
    const recorded = env.mock.requests.slice(before).find((r) => r.service === service);
    expect(recorded?.psn).toBe(result.psn);
  });

  it.each(serviceNames)(
    '%s business failure raises BusinessError with code, message, service and psn',
    async (service) => {
      env.mock.queueScenario('business-error:P0042', { times: 1 });
      const error = await call(service).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BusinessError);
      expect(error).toMatchObject({ errorCode: 'P0042', service });
      expect((error as BusinessError).psn).toMatch(/\S/);
      expect((error as BusinessError).errorMessage).not.toBe('');
    },
  );

  it('client.call is typed by service name and behaves like the resource method', async () => {
    const balance = await env.codepay.call('getBalance', { currency: 'USD' });
    expect(balance).toMatchObject({ currency: expect.any(String), balance: expect.stringMatching(/^-?\d+(\.\d+)?$/) });
  });
});
