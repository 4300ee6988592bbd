// Unknown options are refused, not ignored: `timeoutMs: 500` or `agent: myProxyAgent` silently doing nothing is how a
// client ends up without the timeout or the proxy its author believes it has. The error names the closest known
// option, so the fix is one word.
import { ConfigurationError } from './errors.js';

/** Names often brought from other HTTP clients, and the option that does that job here. */
const BORROWED_NAMES: Readonly<Record<string, string>> = {
  agent: 'proxy',
  httpagent: 'proxy',
  httpsagent: 'proxy',
  proxyurl: 'proxy',
  dispatcher: 'fetch',
  retries: 'maxRetries',
  retry: 'maxRetries',
  maxconnections: 'maxSockets',
  keepalive: 'idleSocketTimeout',
  keepalivetimeout: 'idleSocketTimeout',
  url: 'baseUrl',
  endpoint: 'baseUrl',
  host: 'baseUrl',
  locale: 'language',
  lang: 'language',
  privatekey: 'merchantPrivateKey',
  publickey: 'platformPublicKey',
  tracer: 'tracerProvider',
  level: 'logLevel',
};

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Names that look like an option but do a different job: never suggested for each other (`signal` is a call option). */
const FALSE_FRIENDS: Readonly<Record<string, string>> = {
  signal: 'signer',
};

/** The known name `name` most likely meant, or undefined when none is close. */
export function closestOptionName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const borrowed = BORROWED_NAMES[lower];
  if (borrowed !== undefined && known.includes(borrowed)) return borrowed;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    if (FALSE_FRIENDS[lower] === candidate) continue;
    const other = candidate.toLowerCase();
    // `timeoutMs`, `requestTimeout`, `deadlineMillis`: a known name inside the unknown one (or the reverse).
    const distance =
      other.length >= 4 && (lower.includes(other) || other.includes(lower)) && lower.length >= 4
        ? 1
        : editDistance(lower, other);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.ceil(lower.length / 3)) ? best : undefined;
}

/** A name shown in a message: an identifier as it is, anything else by its length only (it could be pasted text). */
function shownName(name: string): string {
  return /^[A-Za-z_$][\w$]{0,39}$/.test(name) ? name : `(a ${name.length}-character key)`;
}

/**
 * Refuses any own key of `options` that is not in `known`, with a ConfigurationError naming the key and the closest
 * known option. `what` names the place, e.g. `createCodePay` or `a call's options`.
 */
export function checkOptionNames(options: object, known: readonly string[], what: string, suffix = ''): void {
  for (const name in options) {
    if (!Object.hasOwn(options, name) || known.includes(name)) continue;
    const closest = closestOptionName(name, known);
    const hint = closest === undefined ? `the options are ${known.join(', ')}` : `did you mean ${closest}?`;
    throw new ConfigurationError(`is not an option of ${what}; ${hint}${suffix}`, { option: shownName(name) });
  }
}
