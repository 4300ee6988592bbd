// Which scenario a request gets: one queued on the gateway object for the next N requests (so a client's own retries
// see it too, without the test being able to set headers), optionally only for requests of one service, else the one
// its `x-mock-scenario` header names (`name` or `name:argument`). Queued scenarios win over the header. What a
// scenario does is its record's business (scenarios.ts).

import {
  answerGatewayError,
  type GatewayContext,
  type GatewayRequest,
  type HandledRequest,
} from './gateway-context.js';
import { headerValue } from './http-io.js';
import { parseScenario, ScenarioSyntaxError, type Scenario } from './scenarios.js';

export const SCENARIO_HEADER = 'x-mock-scenario';

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
      scenario: entry.scenario.text,
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

export type ScenarioChoice =
  | { kind: 'none' }
  | { kind: 'chosen'; scenario: Scenario }
  | { kind: 'rejected'; answer: Promise<HandledRequest> };

export interface ScenarioChoiceOptions {
  /** The scenarios the endpoint can apply; any other is refused (400 MOCK_SCENARIO). Default: all. */
  applicable?: ReadonlySet<string>;
  /** The request's service, so that a scenario queued for one service is taken by that service's requests only. */
  service?: string | undefined;
}

/** A queued scenario, else the header's; an unreadable header is answered (400 MOCK_SCENARIO), never ignored. */
export function chooseScenario(
  context: GatewayContext,
  request: GatewayRequest,
  queue: ScenarioQueue,
  { applicable, service }: ScenarioChoiceOptions = {},
): ScenarioChoice {
  const queued = queue.take(service);
  const headerText = headerValue(request, SCENARIO_HEADER);
  let scenario: Scenario;
  try {
    if (queued) scenario = queued;
    else if (headerText !== undefined && headerText.trim() !== '') scenario = parseScenario(headerText);
    else return { kind: 'none' };
  } catch (error) {
    if (!(error instanceof ScenarioSyntaxError)) throw error;
    const answer = answerGatewayError(context, request, 'MOCK_SCENARIO', { detail: error.message });
    return { kind: 'rejected', answer };
  }
  if (applicable && !applicable.has(scenario.name)) {
    const detail = `"${scenario.name}" does not apply to ${request.path}`;
    return { kind: 'rejected', answer: answerGatewayError(context, request, 'MOCK_SCENARIO', { detail }) };
  }
  return { kind: 'chosen', scenario };
}
