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

/**
 * The guard itself. A class, not a set of closures: it is made for every HTTP exchange, and its methods live on the
 * prototype (callers pass them on as arrow functions where a callback is wanted).
 */
class Guard<T> implements SettleGuard<T> {
  settled = false;
  timer: ReturnType<typeof setTimeout> | undefined;
  onAbort: (() => void) | undefined;

  constructor(
    readonly limits: SettleLimits,
    private readonly settleWith: (value: T) => void,
    private readonly failWith: (error: unknown) => void,
  ) {}

  /** Marks the guard settled and drops the timer and the abort listener; false when it already was. */
  private finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    if (this.onAbort) this.limits.signal?.removeEventListener('abort', this.onAbort);
    return true;
  }

  resolve(value: T): void {
    if (this.finish()) this.settleWith(value);
  }

  reject(error: unknown): void {
    if (this.finish()) this.failWith(error);
  }

  // Settle first, then stop: the errors stopping causes must not be what the caller sees.
  fail(error: unknown): void {
    this.reject(error);
    this.limits.stop?.();
  }
}

function timeUp(guard: Guard<never>): void {
  guard.fail(guard.limits.timedOut());
}

/** Runs `work` with a guard; `work` is not run at all when `signal` has already fired. */
export function settleOnce<T>(limits: SettleLimits, work: (guard: SettleGuard<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const guard = new Guard<T>(limits, resolve, reject);
    const { signal } = limits;
    if (signal?.aborted) return guard.fail(limits.aborted());
    guard.timer = setTimeout(timeUp, limits.timeoutMs, guard);
    if (signal) {
      guard.onAbort = () => guard.fail(limits.aborted());
      signal.addEventListener('abort', guard.onAbort, { once: true });
    }
    work(guard);
  });
}
