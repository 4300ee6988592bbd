// Load: 5,000 calls at concurrency 100 against the mock (through the observing proxy), with tokens that live 2 s so
// they expire several times during the run, and a few fault scenarios mixed in. Every call must end in data or a
// typed error; tokens must be refreshed once per lifetime, not once per waiting caller (no stampede); and the run
// must leave no handle open, no unhandled rejection and no heap growth behind.
import { expect, it } from 'vitest';
import { isCodePayError, type CodePay } from '@codepay/sdk';
import { startHostileGateway } from './support/hostile-gateway.js';
import { checkForLeaksAfterAll } from './support/leak-guard.js';
import { settle } from './support/outcome.js';
import { activeResources, liveHeapBytes, resourcesBeyond, resourcesOnceSettled, watchUnhandledRejections } from './support/process-health.js';

checkForLeaksAfterAll();

const CALLS = 5_000;
const WARM_UP_CALLS = 500;
const CONCURRENCY = 100;
const TOKEN_TTL_SECONDS = 2;
/** The SDK refreshes a token when 90% of its lifetime has passed (a margin of 10%). */
const TOKEN_FRESH_MS = TOKEN_TTL_SECONDS * 1000 * 0.9;

/** One call in 40 meets a fault the SDK must turn into a typed error (none is retried, so timing stays even). */
const FAULTS = ['business-error', 'gateway-error:E07303', 'bad-signature', 'wrong-key'];

function callNumber(codepay: CodePay, index: number): Promise<unknown> {
  const fault = index % 40 === 39 ? FAULTS[(index / 40) % FAULTS.length | 0] : undefined;
  const options = fault === undefined ? {} : { headers: { 'x-mock-scenario': fault } };
  switch (index % 3) {
    case 0:
      return codepay.balance.get({ currency: 'USD' }, options);
    case 1:
      return codepay.orders.get({ order_sn: `LOAD-${index}`, linkID: '8E4B2A1C-7F3D-4C5E-9A6B-1D2E3F4A5B6C' }, options);
    default:
      return codepay.payers.get({ email: `payer${index}@example.com` }, options);
  }
}

interface Tally {
  succeeded: number;
  typedErrors: Record<string, number>;
  untyped: unknown[];
}

async function runCalls(codepay: CodePay, count: number): Promise<Tally> {
  const tally: Tally = { succeeded: 0, typedErrors: {}, untyped: [] };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const outcome = await settle(callNumber(codepay, next++));
      if (outcome.ok) tally.succeeded++;
      else if (isCodePayError(outcome.error)) tally.typedErrors[outcome.error.name] = (tally.typedErrors[outcome.error.name] ?? 0) + 1;
      else tally.untyped.push(outcome.error);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return tally;
}

it(`${CALLS} calls at concurrency ${CONCURRENCY} with ${TOKEN_TTL_SECONDS} s tokens: typed outcomes, no token stampede, nothing left behind`, async () => {
  const rejections = watchUnhandledRejections();
  // Taken inside the test, so the test's own timers (vitest's timeout among them) are in both snapshots.
  const baseline = activeResources();
  const gateway = await startHostileGateway({ tokenTtlSeconds: TOKEN_TTL_SECONDS });
  try {
    const codepay = gateway.client();

    const warmUp = await runCalls(codepay, WARM_UP_CALLS);
    expect(warmUp.untyped).toEqual([]);
    const heapAfterWarmUp = await liveHeapBytes();

    const tokensBefore = gateway.tokenRequests();
    const started = performance.now();
    const tally = await runCalls(codepay, CALLS);
    const runtimeMs = performance.now() - started;
    const tokenRequests = gateway.tokenRequests() - tokensBefore;
    const heapAfterRun = await liveHeapBytes();

    expect(tally.untyped).toEqual([]);
    expect(tally.succeeded + Object.values(tally.typedErrors).reduce((sum, n) => sum + n, 0)).toBe(CALLS);
    // The injected faults, each as its own class. Beyond them, the only failure the load itself may cause is a
    // token that expired while the request queued (twice: before and after the one replay); with 2 s tokens and a
    // saturated event loop that happens to a handful of calls (see the README), never to many.
    const { AuthenticationError: expiredTwice = 0, ...injected } = tally.typedErrors;
    expect(Object.keys(injected).sort()).toEqual(['BusinessError', 'DecryptionError', 'GatewayError', 'SignatureVerificationError']);
    expect(CALLS - tally.succeeded - expiredTwice).toBe(Math.floor(CALLS / 40));
    expect(expiredTwice).toBeLessThanOrEqual(CALLS / 100);

    // One token per lifetime: the run's length divided by how long a token stays fresh, plus the one in use.
    const expiries = Math.ceil(runtimeMs / TOKEN_FRESH_MS);
    expect(tokenRequests).toBeGreaterThanOrEqual(1);
    expect(tokenRequests).toBeLessThanOrEqual(expiries + 1);
    expect(tokenRequests).toBeLessThan(CALLS / CONCURRENCY);

    expect(heapAfterRun, `heap after warm-up ${heapAfterWarmUp}, after the run ${heapAfterRun}`).toBeLessThanOrEqual(heapAfterWarmUp * 1.5);
    console.info(
      `[load] ${CALLS} calls in ${Math.round(runtimeMs)} ms; ${tokenRequests} token requests (≤ ${expiries + 1} allowed); ` +
        `heap ${(heapAfterWarmUp / 2 ** 20).toFixed(1)} → ${(heapAfterRun / 2 ** 20).toFixed(1)} MiB; errors ${JSON.stringify(tally.typedErrors)}`,
    );
  } finally {
    await gateway.close();
  }
  expect(resourcesBeyond(baseline, await resourcesOnceSettled(baseline))).toEqual({});
  rejections.stop();
  expect(rejections.reasons).toEqual([]);
});
