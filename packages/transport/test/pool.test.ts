// The connection pool (issue 15, finding 7): a burst of calls opens at most `maxSockets` connections (64 by
// default; more calls wait for one), idle connections close after `idleSocketTimeout`, and close() ends the pool —
// after the calls in flight — so that later calls fail at once, clearly, with nothing sent.
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../src/errors.js';
import type { EnvelopeClient } from '../src/envelope-client.js';
import { ok, useLoopbackGateway } from './support/loopback-gateway.js';
import { balanceParams, orderParams, testClient } from './support/test-client.js';

const balance = { currency: 'USD', balance: '1.00' };
/** Waits until `condition` holds, polling every 10 ms for at most `ms`; returns whether it held. */
async function eventually(condition: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

describe('the connection pool', () => {
  const gateway = useLoopbackGateway();
  const clients: EnvelopeClient[] = [];
  // The built-in token flow: the gateway checks every token.
  const client = (overrides: Parameters<typeof testClient>[1] = {}) => {
    const made = testClient(gateway, overrides);
    clients.push(made);
    return made;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await eventually(() => gateway.openConnections === 0, 2_000);
  });

  /** `calls` concurrent calls answered after 30 ms each; resolves with the most connections open at once meanwhile. */
  const burst = async (target: EnvelopeClient, calls: number): Promise<number> => {
    gateway.handle(() => ({ delayMs: 30, then: ok(balance) }));
    let peak = gateway.openConnections;
    const sampler = setInterval(() => (peak = Math.max(peak, gateway.openConnections)), 2);
    try {
      const results = await Promise.all(Array.from({ length: calls }, () => target.call('getBalance', balanceParams)));
      expect(results).toHaveLength(calls);
    } finally {
      clearInterval(sampler);
    }
    return Math.max(peak, gateway.openConnections);
  };

  it('a burst of 300 calls opens at most 64 connections by default, and every call succeeds', async () => {
    const peak = await burst(client(), 300);
    expect(peak).toBeGreaterThan(8);
    expect(peak).toBeLessThanOrEqual(64);
  });

  it('maxSockets: 8 keeps a burst of 200 calls to 8 connections', async () => {
    expect(await burst(client({ maxSockets: 8 }), 200)).toBeLessThanOrEqual(8);
  });

  it('idleSocketTimeout closes unused connections after that long', async () => {
    const quick = client({ idleSocketTimeout: 100 });
    await burst(quick, 20);
    expect(gateway.openConnections).toBeGreaterThan(0);
    expect(await eventually(() => gateway.openConnections === 0, 1_000)).toBe(true);
  });

  it('close() closes every pooled connection; later calls fail at once with nothing sent', async () => {
    const closing = client();
    await burst(closing, 50);
    expect(gateway.openConnections).toBeGreaterThan(0);
    await closing.close();
    expect(closing.closed).toBe(true);
    expect(await eventually(() => gateway.openConnections === 0, 1_000)).toBe(true);
    const calls = gateway.calls.length;
    const error = await closing.call('createOrder', orderParams).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ outcomeUnknown: false, service: 'createOrder' });
    expect((error as Error).message).toMatch(/the client was closed \(close\(\)\)/);
    expect(gateway.calls.length).toBe(calls);
    expect(gateway.openConnections).toBe(0);
  });

  it('close() lets the calls in flight finish first, and closes the withOptions copies that share the pool', async () => {
    const closing = client();
    const copy = closing.withOptions({ language: 'fr-FR' });
    gateway.handle(() => ({ delayMs: 200, then: ok(balance) }));
    const inFlight = closing.call('getBalance', balanceParams);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = closing.close();
    await expect(inFlight).resolves.toMatchObject({ data: balance });
    await closed;
    expect(copy.closed).toBe(true);
    await expect(copy.call('getBalance', balanceParams)).rejects.toThrow(/client was closed/);
  });
});
