// Fault injection. A scenario is chosen per request with the `x-mock-scenario` header (`name` or `name:argument`),
// or queued on the gateway object for the next N requests (so a client's own retries see it too, without the test
// being able to set headers), optionally only for requests of one service. Queued scenarios win over the header.

export const SCENARIO_NAMES = [
  'business-error',
  'gateway-error',
  'bad-signature',
  'wrong-key',
  'slow',
  'drop',
  'http-500',
  'http-503',
  'html',
  'expired-token',
  'commit-drop',
  'commit-html-504',
  'commit-unsigned-503',
  'commit-truncated',
  'commit-html-401',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What `x-mock-scenario` and `queueScenario` accept: a name, or a name with its argument (e.g. `http-503:3`). */
export type ScenarioText = ScenarioName | `${ScenarioName}:${string}`;

/**
 * Scenarios that let the gateway handle the request completely — a state change is stored exactly as without the
 * scenario — and then lose its answer on the way back, so the client cannot tell whether the change happened.
 */
export const COMMIT_THEN_LOSE_SCENARIOS = [
  'commit-drop',
  'commit-html-504',
  'commit-unsigned-503',
  'commit-truncated',
  'commit-html-401',
] as const satisfies readonly ScenarioName[];

export type CommitThenLoseName = (typeof COMMIT_THEN_LOSE_SCENARIOS)[number];

export type Scenario =
  /** A signed, encrypted success envelope whose business payload is `status: -1` with this `errorCode`. */
  | { name: 'business-error'; errorCode: string }
  /** The signed gateway error body with this code (HTTP status from the code's table entry, else 200). */
  | { name: 'gateway-error'; code: string }
  /**
   * The request is handled as usual (a state change is stored), then its sealed answer is sent with a `sign` that
   * does not verify (one bit flipped): a commit whose answer cannot be trusted.
   */
  | { name: 'bad-signature' }
  /** The request is handled as usual (a state change is stored), then answered under an AES key the merchant lacks. */
  | { name: 'wrong-key' }
  /** A normal answer after a delay. */
  | { name: 'slow'; delayMs: number }
  /** The whole request is read, then the connection is destroyed without an answer. */
  | { name: 'drop' }
  /** HTTP 500 with the signed E05000 body. */
  | { name: 'http-500' }
  /** HTTP 503 with the signed E05030 body and `Retry-After`. */
  | { name: 'http-503'; retryAfterSeconds: number }
  /** HTTP 502 with an HTML page, as a load balancer in front of the gateway would send. */
  | { name: 'html' }
  /** HTTP 401 E01003, whatever token was sent. */
  | { name: 'expired-token' }
  /** Handled as usual (the change is stored), then the connection is destroyed without an answer. */
  | { name: 'commit-drop' }
  /** Handled as usual, then HTTP 504 with a load balancer's HTML gateway-timeout page instead of the answer. */
  | { name: 'commit-html-504' }
  /** Handled as usual, then HTTP 503 with an E05030 JSON body that has no `sign`, as a proxy would make it. */
  | { name: 'commit-unsigned-503' }
  /** Handled as usual, then the first half of the answer's bytes (full Content-Length announced), then a close. */
  | { name: 'commit-truncated' }
  /** Handled as usual, then HTTP 401 with a proxy's HTML "401 Authorization Required" page. */
  | { name: 'commit-html-401' };

export type CommitThenLoseScenario = Extract<Scenario, { name: CommitThenLoseName }>;

export function isCommitThenLose(scenario: Scenario): scenario is CommitThenLoseScenario {
  return (COMMIT_THEN_LOSE_SCENARIOS as readonly string[]).includes(scenario.name);
}

/** The scenarios that make sense on `/api/v2/token` (its answer is neither encrypted nor a business payload). */
export const TOKEN_ENDPOINT_SCENARIOS: ReadonlySet<ScenarioName> = new Set([
  'gateway-error',
  'slow',
  'drop',
  'http-500',
  'http-503',
  'html',
]);

export const DEFAULT_SLOW_DELAY_MS = 2000;
export const DEFAULT_RETRY_AFTER_SECONDS = 1;
export const DEFAULT_BUSINESS_ERROR_CODE = 'P0001';
export const DEFAULT_GATEWAY_ERROR_CODE = 'E05000';

const MAX_SLOW_DELAY_MS = 10 * 60 * 1000;
const MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60;
const ERROR_CODE = /^[A-Za-z0-9_-]{1,32}$/;

/** An `x-mock-scenario` value (or a queueScenario name) the mock does not understand. */
export class ScenarioSyntaxError extends Error {
  override readonly name = 'ScenarioSyntaxError';
}

function integerArgument(text: string, name: string, max: number): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value > max) {
    throw new ScenarioSyntaxError(`"${name}:${text}": the argument must be an integer from 0 to ${max}`);
  }
  return value;
}

function codeArgument(text: string, name: string): string {
  if (!ERROR_CODE.test(text)) throw new ScenarioSyntaxError(`"${name}:${text}": the argument must be an error code`);
  return text;
}

function noArgument<S extends Scenario>(scenario: S, argument: string | undefined): S {
  if (argument !== undefined) throw new ScenarioSyntaxError(`"${scenario.name}" takes no argument`);
  return scenario;
}

/** Parses `name` or `name:argument`, e.g. `slow:5000`, `http-503:3`, `gateway-error:E07303`. */
export function parseScenario(text: string): Scenario {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const name = (colon < 0 ? trimmed : trimmed.slice(0, colon)).toLowerCase();
  const argument = colon < 0 ? undefined : trimmed.slice(colon + 1).trim();
  switch (name) {
    case 'business-error':
      return { name, errorCode: argument === undefined ? DEFAULT_BUSINESS_ERROR_CODE : codeArgument(argument, name) };
    case 'gateway-error':
      return { name, code: argument === undefined ? DEFAULT_GATEWAY_ERROR_CODE : codeArgument(argument, name) };
    case 'slow':
      return {
        name,
        delayMs: argument === undefined ? DEFAULT_SLOW_DELAY_MS : integerArgument(argument, name, MAX_SLOW_DELAY_MS),
      };
    case 'http-503':
      return {
        name,
        retryAfterSeconds:
          argument === undefined
            ? DEFAULT_RETRY_AFTER_SECONDS
            : integerArgument(argument, name, MAX_RETRY_AFTER_SECONDS),
      };
    case 'bad-signature':
    case 'wrong-key':
    case 'drop':
    case 'http-500':
    case 'html':
    case 'expired-token':
    case 'commit-drop':
    case 'commit-html-504':
    case 'commit-unsigned-503':
    case 'commit-truncated':
    case 'commit-html-401':
      return noArgument({ name }, argument);
    default:
      throw new ScenarioSyntaxError(`"${trimmed}" is not a scenario; known: ${SCENARIO_NAMES.join(', ')}`);
  }
}

interface QueuedScenario {
  scenario: Scenario;
  remaining: number;
  /** Only requests for this service take the entry; others leave it queued. */
  service: string | undefined;
}

/** Scenarios queued for the next requests of one endpoint, oldest first. */
export class ScenarioQueue {
  readonly #pending: QueuedScenario[] = [];

  add(scenario: Scenario, times: number, service?: string): void {
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`times must be a positive integer; received ${String(times)}.`);
    }
    this.#pending.push({ scenario, remaining: times, service });
  }

  /**
   * The scenario for the request that just arrived: the oldest entry that applies to its `service` (an entry
   * without a service applies to every request), used up by one. Undefined if none applies.
   */
  take(service?: string): Scenario | undefined {
    const index = this.#pending.findIndex((entry) => entry.service === undefined || entry.service === service);
    const entry = this.#pending[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.#pending.splice(index, 1);
    return entry.scenario;
  }

  /** The queued entries, oldest first: the scenario as text, how many requests it still applies to, its service. */
  list(): { scenario: string; remaining: number; service?: string }[] {
    return this.#pending.map((entry) => ({
      scenario: formatScenario(entry.scenario),
      remaining: entry.remaining,
      ...(entry.service === undefined ? {} : { service: entry.service }),
    }));
  }

  /** How many requests still have a queued scenario waiting for them. */
  get pending(): number {
    return this.#pending.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  clear(): void {
    this.#pending.length = 0;
  }
}

/** The canonical `name:argument` text of a scenario (what the request log shows). */
export function formatScenario(scenario: Scenario): string {
  switch (scenario.name) {
    case 'business-error':
      return `${scenario.name}:${scenario.errorCode}`;
    case 'gateway-error':
      return `${scenario.name}:${scenario.code}`;
    case 'slow':
      return `${scenario.name}:${scenario.delayMs}`;
    case 'http-503':
      return `${scenario.name}:${scenario.retryAfterSeconds}`;
    default:
      return scenario.name;
  }
}
