// Checks of the options of both functions: a wrong value is a ConfigurationError naming the option and what it takes.
import { ConfigurationError } from '@codepay/transport';
import { describeChoice, describeReceived } from '@codepay/transport/internal';
import type { RedisScriptClient } from './redis-link.js';

export function checkClient(client: unknown, fn: string): RedisScriptClient {
  if (typeof (client as { eval?: unknown } | null)?.eval !== 'function') {
    throw new ConfigurationError(
      `must be a connected node-redis client (createClient() from the \`redis\` package, v5 or v6): ${fn}(client) calls its eval().`,
      { option: 'client' },
    );
  }
  return client as RedisScriptClient;
}

export function checkOptionsObject(options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigurationError(`must be an object with any of ${known.join(', ')}.`, { option: 'options' });
  }
  const unknown = Object.keys(options).find((name) => !known.includes(name));
  if (unknown !== undefined)
    throw new ConfigurationError(`is not an option; the options are ${known.join(', ')}.`, { option: unknown });
  return options as Record<string, unknown>;
}

/** Milliseconds: a whole number from `min` up, or the default when absent. */
export function checkMs(value: unknown, option: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigurationError(
      `must be a whole number of milliseconds, at least ${min}; received ${describeReceived(value)}.`,
      { option },
    );
  }
  return value;
}

export function checkPrefix(value: unknown): string {
  if (value === undefined) return 'codepay:';
  if (typeof value !== 'string' || value === '' || /[{}\s]/.test(value)) {
    throw new ConfigurationError(
      `must be a non-empty string without spaces or braces (it starts every key, e.g. "myapp:codepay:"); received ${describeReceived(value)}.`,
      { option: 'prefix' },
    );
  }
  return value;
}

export function checkChoice<T extends string>(value: unknown, option: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) {
    throw new ConfigurationError(
      `must be ${choices.map((c) => `'${c}'`).join(' or ')}; received ${describeChoice(value, choices)}.`,
      { option },
    );
  }
  return value as T;
}
