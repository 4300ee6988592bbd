// Property 1a: for arbitrary valid params of every service (generated from the request JSON Schemas), a call
// through the SDK, the proxy and the mock returns data that passes the service's result validator, and the mock
// received exactly the params that were sent. The mock answers with data Prism generates from the result schemas
// (`dynamic`), so the answers vary as much as the questions.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services, serviceNames } from '@codepay/models';
import type { CodePay } from '@codepay/sdk';
import { startHostileGateway, type HostileGateway } from './support/hostile-gateway.js';
import { checkForLeaksAfterAll } from './support/leak-guard.js';
import { settle } from './support/outcome.js';
import { propertyRuns } from './support/property-runs.js';
import { paramsArbitrary } from './support/schema-arbitraries.js';

checkForLeaksAfterAll();

// Modest for CI time; HOSTILE_RUNS=500 for a deeper local run.
const RUNS_PER_SERVICE = propertyRuns(25);

let gateway: HostileGateway;
let codepay: CodePay;

beforeAll(async () => {
  gateway = await startHostileGateway({ dynamic: true, seed: 'hostile-round-trip' });
  codepay = gateway.client();
});
afterAll(() => gateway.close());

describe('arbitrary valid params round-trip through the SDK and the mock', () => {
  it.each(serviceNames)('%s', async (service) => {
    await fc.assert(
      fc.asyncProperty(paramsArbitrary(service), async (params) => {
        // The generator must produce what the contract calls valid, or the property proves nothing.
        expect(services[service].validateParams(params), JSON.stringify(services[service].validateParams.errors)).toBe(
          true,
        );
        const outcome = await settle(codepay.call(service, params as never));
        if (!outcome.ok) throw outcome.error;
        const result = outcome.value as Record<string, unknown> & { psn: string };
        expect(services[service].validateResult(result), JSON.stringify(services[service].validateResult.errors)).toBe(
          true,
        );
        const received = gateway.mock.requests.find((entry) => entry.psn === result.psn);
        expect(received?.service).toBe(service);
        // fast-check builds null-prototype records; the mock parsed plain JSON objects. Money given as decimal text
        // travels as a JSON number with the same digits, so the mock parsed it as that number.
        const sent: Record<string, unknown> = { ...params };
        for (const field of services[service].moneyFields)
          if (typeof sent[field] === 'string') sent[field] = Number(sent[field]);
        expect(received?.params).toStrictEqual(sent);
      }),
      { numRuns: RUNS_PER_SERVICE },
    );
  });
});
