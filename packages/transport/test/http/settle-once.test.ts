// The settle-once guard both HTTP clients and the token wait share: the first of result, time limit and abort wins,
// the loser is ignored, and nothing is left behind (no timer, no abort listener).
import { describe, expect, it, vi } from 'vitest';
import { settleOnce, type SettleGuard, type SettleLimits } from '../../src/http/settle-once.js';

const limits = (overrides: Partial<SettleLimits> = {}): SettleLimits => ({
  timeoutMs: 1_000,
  signal: undefined,
  timedOut: () => new Error('timed out'),
  aborted: () => new Error('aborted'),
  ...overrides,
});

describe('settleOnce', () => {
  it('settles with the work, once: what comes later is ignored, and the abort listener is removed', async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    let guard!: SettleGuard<string>;
    const result = settleOnce<string>(limits({ signal: controller.signal }), (g) => (guard = g));
    expect(guard.settled).toBe(false);
    guard.resolve('first');
    guard.reject(new Error('late'));
    controller.abort();
    await expect(result).resolves.toBe('first');
    expect(guard.settled).toBe(true);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('rejects with the time limit error built when it passes, then stops the work', async () => {
    let progress = 'connecting';
    const stop = vi.fn();
    const timedOut = () => new Error(`timed out while ${progress}`);
    const result = settleOnce(limits({ timeoutMs: 20, timedOut, stop }), () => {
      progress = 'reading';
    });
    await expect(result).rejects.toThrow('timed out while reading');
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('rejects on abort, then stops the work; the time limit no longer fires', async () => {
    const controller = new AbortController();
    const stop = vi.fn();
    const timedOut = vi.fn(() => new Error('timed out'));
    const result = settleOnce(limits({ timeoutMs: 30, signal: controller.signal, timedOut, stop }), () => {});
    controller.abort();
    await expect(result).rejects.toThrow('aborted');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(timedOut).not.toHaveBeenCalled();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('does not start the work when the signal has fired already', async () => {
    const work = vi.fn();
    await expect(settleOnce(limits({ signal: AbortSignal.abort() }), work)).rejects.toThrow('aborted');
    expect(work).not.toHaveBeenCalled();
  });
});
