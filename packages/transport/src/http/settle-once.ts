// A promise that settles once, whichever comes first: the work's own result, its time limit, or the caller's abort
// signal. Shared by both HTTP clients and by a caller waiting for the shared token request, so the guard that
// clears the timer, drops the abort listener and ignores anything later is written once.

export interface SettleGuard<T> {
  /** Whether the promise has settled; events after that are the work's leftovers, to be ignored. */
  readonly settled: boolean;
  resolve(value: T): void;
  reject(error: unknown): void;
  /** Rejects, then stops the work (`stop`): for a failure that ends the work from outside. */
  fail(error: unknown): void;
}

export interface SettleLimits {
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** The error when `timeoutMs` passes (built then, so it can say how far the work got). */
  timedOut(): unknown;
  /** The error when `signal` fires, or has fired already. */
  aborted(): unknown;
  /** Stops the work after a `fail` (a timeout, an abort): abort the fetch, destroy the request. */
  stop?(): void;
}

/** Runs `work` with a guard; `work` is not run at all when `signal` has already fired. */
export function settleOnce<T>(limits: SettleLimits, work: (guard: SettleGuard<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const { signal } = limits;
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    const guard: SettleGuard<T> = {
      get settled() {
        return settled;
      },
      resolve: (value) => settle(() => resolve(value)),
      reject: (error) => settle(() => reject(error)),
      // Settle first, then stop: the errors stopping causes must not be what the caller sees.
      fail: (error) => {
        guard.reject(error);
        limits.stop?.();
      },
    };
    const timer = setTimeout(() => guard.fail(limits.timedOut()), limits.timeoutMs);
    const onAbort = () => guard.fail(limits.aborted());
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work(guard);
  });
}
