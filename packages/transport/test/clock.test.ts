// Deadlines and timeouts follow a monotonic clock (issue 15, finding 5): a step of the wall clock — an NTP
// correction, a VM resumed, an operator's `date -s` — neither stretches nor cuts them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError } from '../src/errors.js';
import { ok, useLoopbackGateway } from './support/loopback-gateway.js';
import { balanceParams, testClient } from './support/test-client.js';

const HOUR = 3_600_000;

describe('a 1 s deadline lasts 1 s whatever the wall clock does', () => {
  const gateway = useLoopbackGateway();
  afterEach(() => vi.restoreAllMocks());

  function stepWallClockOnFirstCall(byMs: number): void {
    const now = Date.now.bind(Date);
    let stepped = false;
    gateway.handle(() => {
      if (!stepped) {
        stepped = true;
        vi.spyOn(Date, 'now').mockImplementation(() => now() + byMs);
      }
      return { delayMs: 3_000, then: ok({ currency: 'USD', balance: '1.00' }) };
    });
  }

  it.each([
    ['back by an hour', -HOUR],
    ['forward by an hour', HOUR],
  ])(
    'the clock stepped %s while the call waits: TimeoutError at the deadline, not before or after',
    async (_name, step) => {
      stepWallClockOnFirstCall(step);
      const started = performance.now();
      const error = await testClient(gateway, { timeout: 2_000 })
        .call('getBalance', balanceParams, { deadline: 1_000 })
        .catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(elapsed).toBeGreaterThan(950);
      expect(elapsed).toBeLessThan(1_500);
    },
  );
});
