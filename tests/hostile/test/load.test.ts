// Load: 5,000 calls at concurrency 100 against the mock (through the observing proxy), with tokens that live 2 s so
// they expire several times during the run, and a few fault scenarios mixed in. Every call must end in data or a
// typed error; tokens must be refreshed once per lifetime, not once per waiting caller (no stampede); and the run
// must leave no handle open, no unhandled rejection and no heap growth behind.
import { expect, it } from 'vitest';
import { isCodePayError, type CodePay } from '@codepay/sdk';
import { startHostileGateway } from './support/hostile-gateway.js';
import { checkForLeaksAfterAll } from './support/leak-guard.js';
import { settle } from './support/outcome.js';
import {
  activeResources,
  liveHeapBytes,
  resourcesBeyond,
  resourcesOnceSettled,
  watchUnhandledRejections,
} from './support/process-health.js';
import { sampleParams } from './support/sample-params.js';

checkForLeaksAfterAll();

const CALLS = 5_000;
const WARM_UP_CALLS = 500;
const CONCURRENCY = 100;
const TOKEN_TTL_SECONDS = 2;
/** The SDK refreshes a token when 90% of its lifetime has passed (a margin of 10%). */
const TOKEN_FRESH_MS = TOKEN_TTL_SECONDS * 1000 * 0.9;

/** One call in 40 meets a fault the SDK must turn into a typed error (none is retried, so timing stays even). */
const FAULTS = ['business-error', 'gateway-error:E07303', 'bad-signature', 'wrong-key'];

/** The payer and order the calls read: created before the run, as a merchant's are (the mock has no others). */
interface Records {
  email: string;
  order: { order_sn: string; linkID: string };
}

async function createRecords(codepay: CodePay): Promise<Records> {
  const payerParams = sampleParams('createPayer');
  const payer = await codepay.payers.create(payerParams as never);
  const orderParams = sampleParams('createOrder');
  const order = await codepay.orders.create({ ...orderParams, payerID: payer.payerID } as never);
  return {
    email: String(payerParams.email),
    order: { order_sn: String(orderParams.order_sn), linkID: String(order.linkID) },
  };
}

function callNumber(codepay: CodePay, records: Records, index: number): Promise<unknown> {
  const fault = index % 40 === 39 ? FAULTS[((index / 40) % FAULTS.length) | 0] : undefined;
  const options = fault === undefined ? {} : { headers: { 'x-mock-scenario': fault } };
  switch (index % 3) {
    case 0:
      return codepay.balance.get({ currency: 'USD' }, options);
    case 1:
      return codepay.orders.get(records.order, options);
    default:
      return codepay.payers.get({ email: records.email }, options);
  }
}

interface Tally {
  succeeded: number;
  typedErrors: Record<string, number>;
  untyped: unknown[];
}

async function runCalls(codepay: CodePay, records: Records, count: number): Promise<Tally> {
  const tally: Tally = { succeeded: 0, typedErrors: {}, untyped: [] };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const outcome = await settle(callNumber(codepay, records, next++));
      if (outcome.ok) tally.succeeded++;
      else if (isCodePayError(outcome.error))
        tally.typedErrors[outcome.error.name] = (tally.typedErrors[outcome.error.name] ?? 0) + 1;
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
    const records = await createRecords(codepay);

    const warmUp = await runCalls(codepay, records, WARM_UP_CALLS);
    expect(warmUp.untyped).toEqual([]);
    const heapAfterWarmUp = await liveHeapBytes();

    const tokensBefore = gateway.tokenRequests();
    const started = performance.now();
    const tally = await runCalls(codepay, records, CALLS);
    const runtimeMs = performance.now() - started;
    const tokenRequests = gateway.tokenRequests() - tokensBefore;
    const heapAfterRun = await liveHeapBytes();

    expect(tally.untyped).toEqual([]);
    expect(tally.succeeded + Object.values(tally.typedErrors).reduce((sum, n) => sum + n, 0)).toBe(CALLS);
    // The injected faults, each as its own class. Beyond them, the only failure the load itself may cause is a
    // token that expired while the request queued (twice: before and after the one replay); with 2 s tokens and a
    // saturated event loop that happens to a handful of calls (see the README), never to many.
    const { AuthenticationError: expiredTwice = 0, ...injected } = tally.typedErrors;
    expect(Object.keys(injected).sort()).toEqual([
      'BusinessError',
      'DecryptionError',
      'GatewayError',
      'SignatureVerificationError',
    ]);
    expect(CALLS - tally.succeeded - expiredTwice).toBe(Math.floor(CALLS / 40));
    expect(expiredTwice).toBeLessThanOrEqual(CALLS / 100);

    // One token per lifetime: the run's length divided by how long a token stays fresh, plus the one in use.
    const expiries = Math.ceil(runtimeMs / TOKEN_FRESH_MS);
    expect(tokenRequests).toBeGreaterThanOrEqual(1);
    expect(tokenRequests).toBeLessThanOrEqual(expiries + 1);
    expect(tokenRequests).toBeLessThan(CALLS / CONCURRENCY);

    expect(heapAfterRun, `heap after warm-up ${heapAfterWarmUp}, after the run ${heapAfterRun}`).toBeLessThanOrEqual(
      heapAfterWarmUp * 1.5,
    );
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
