// The one way this package talks to Redis: Lua scripts run with EVAL, each bounded by a timeout, and a record of
// whether Redis is reachable — so an outage is logged once when it starts and once when it ends, and while it lasts
// nothing waits for Redis (a background probe notices when it is back).
import type { Logger } from '@codepay/transport';

/**
 * What this package needs of a Redis client: `eval(script, { keys, arguments })`, as node-redis (`redis` v5 and v6)
 * has it. `withCommandOptions({ timeout })`, when the client has it, lets node-redis itself drop a command that
 * waits too long (out of its offline queue, say) instead of sending it late.
 */
export interface RedisScriptClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  withCommandOptions?(options: { timeout: number }): RedisScriptClient;
}

/** Redis did not answer a command (unreachable, too slow, or it answered with an error). */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** How the log names a Redis failure: its class and error code, never its message (which may quote arguments). */
function describeFailure(error: unknown): { error: string; code?: string } {
  const cause = error instanceof RedisUnavailableError && error.cause !== undefined ? error.cause : error;
  const name = cause instanceof Error ? cause.name : typeof cause;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { error: name, code } : { error: name };
}

export interface RedisLinkOptions {
  commandTimeoutMs: number;
  probeIntervalMs: number;
  /** What the process does while Redis is unreachable, for the outage's log line. */
  whileDown: string;
  /** What it does again once Redis is back. */
  whenBack: string;
}

export class RedisLink {
  readonly #client: RedisScriptClient;
  readonly #options: RedisLinkOptions;
  #down = false;
  #probe: NodeJS.Timeout | undefined;
  /** The logger of the client last served (the probe logs the recovery with it). */
  logger: Logger | undefined;

  constructor(client: RedisScriptClient, options: RedisLinkOptions) {
    const { commandTimeoutMs } = options;
    this.#client =
      typeof client.withCommandOptions === 'function'
        ? client.withCommandOptions({ timeout: commandTimeoutMs })
        : client;
    this.#options = options;
  }

  /** Whether Redis is believed reachable: false from a failed command until a probe succeeds. */
  get up(): boolean {
    return !this.#down;
  }

  /** Runs a script; any failure (error reply, closed client, timeout) is a RedisUnavailableError and starts an outage. */
  async run(script: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await this.#eval(script, keys, args);
    } catch (error) {
      const failure =
        error instanceof RedisUnavailableError
          ? error
          : new RedisUnavailableError('Redis command failed', { cause: error });
      this.#markDown(failure);
      throw failure;
    }
  }

  #eval(script: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    const timeoutMs = this.#options.commandTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisUnavailableError(`Redis did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const command = Promise.resolve().then(() => this.#client.eval(script, { keys, arguments: args.map(String) }));
    return Promise.race([command, timedOut]).finally(() => clearTimeout(timer));
  }

  #markDown(failure: RedisUnavailableError): void {
    if (this.#down) return;
    this.#down = true;
    this.logger?.warn(`Redis is unreachable: ${this.#options.whileDown} until it is back`, describeFailure(failure));
    // The probe must not keep the process alive on its own.
    this.#probe = setInterval(() => void this.#checkBack(), this.#options.probeIntervalMs).unref();
  }

  async #checkBack(): Promise<void> {
    try {
      await this.#eval('return 1', [], []);
    } catch {
      return;
    }
    if (!this.#down) return;
    this.#down = false;
    clearInterval(this.#probe);
    this.#probe = undefined;
    this.logger?.warn(`Redis is reachable again: ${this.#options.whenBack}`);
  }
}

/** Compare-and-delete: removes the key only while it still holds this value (a lock, a token, a claim). */
export const DELETE_IF_EQUAL = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
