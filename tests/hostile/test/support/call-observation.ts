// Watching one call from both ends: how it ended (from the caller) and how many times it was sent (counted where the
// requests arrive, at the proxy). The fault tests run one call at a time, so every request in the window is its.
import { expect } from 'vitest';
import { services, serviceNames } from '@codepay/models';
import type { GatewayProxy } from './gateway-proxy.js';
import { settle, type Outcome } from './outcome.js';

/** Attempts a call may make with the default `maxRetries` of 2. */
export const MAX_ATTEMPTS = 3;

/** The state-changing services: never sent twice once they may have reached the gateway. */
export const unsafeServices = serviceNames.filter((service) => services[service].retry === 'unsafe');

export interface ObservedCall {
  outcome: Outcome<unknown>;
  /** Pay requests that reached the proxy while the call ran. */
  attempts: number;
  elapsedMs: number;
}

export async function observeCall(proxy: GatewayProxy, run: () => Promise<unknown>): Promise<ObservedCall> {
  const since = proxy.arrivals.length;
  const started = Date.now();
  const outcome = await settle(run());
  return { outcome, attempts: proxy.payArrivalsSince(since).length, elapsedMs: Date.now() - started };
}

export function expectSuccess(observed: ObservedCall): void {
  if (!observed.outcome.ok) {
    const error = observed.outcome.error as Error;
    expect.fail(`expected success, got ${error.name}: ${error.message}`);
  }
}

export function failureOf(observed: ObservedCall): unknown {
  if (observed.outcome.ok) expect.fail('expected the call to fail, but it returned data');
  return observed.outcome.error;
}

/**
 * Starts a call and aborts it when `moment` comes, or as soon as the call settles on its own: a call that fails
 * before the moment must fail the test, not hang it.
 */
export async function abortAt(
  moment: Promise<unknown>,
  start: (signal: AbortSignal) => Promise<unknown>,
): Promise<unknown> {
  const controller = new AbortController();
  const pending = start(controller.signal);
  await Promise.race([moment, pending.catch(() => undefined)]);
  controller.abort();
  return pending;
}
