// Scenarios that act before the gateway looks at the request, the way a proxy, a load balancer or an overloaded
// gateway would: they need no valid token or envelope. Shared by both endpoints.

import { setTimeout as delay } from 'node:timers/promises';
import {
  answerGatewayError,
  type GatewayContext,
  type GatewayRequest,
  type HandledRequest,
} from './gateway-context.js';
import { headerValue } from './http-io.js';
import { formatScenario, parseScenario, ScenarioSyntaxError, type Scenario, type ScenarioQueue } from './scenarios.js';

export const SCENARIO_HEADER = 'x-mock-scenario';

const BAD_GATEWAY_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>codepay-mock</center></body></html>\n';

export type ScenarioChoice =
  | { kind: 'none' }
  | { kind: 'chosen'; scenario: Scenario; text: string }
  | { kind: 'rejected'; answer: Promise<HandledRequest> };

export interface ScenarioChoiceOptions {
  /** The scenarios the endpoint can apply; any other is refused (400 MOCK_SCENARIO). Default: all. */
  applicable?: ReadonlySet<string>;
  /** The request's service, so that a scenario queued for one service is taken by that service's requests only. */
  service?: string;
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
  return { kind: 'chosen', scenario, text: formatScenario(scenario) };
}

/** The answer a transport-level scenario imposes, or undefined to go on handling the request (after any delay). */
export async function answerTransportFault(
  context: GatewayContext,
  request: GatewayRequest,
  scenario: Scenario,
): Promise<HandledRequest | undefined> {
  switch (scenario.name) {
    case 'slow':
      await delay(scenario.delayMs, undefined, { signal: context.signal });
      return undefined;
    case 'drop':
      return { answer: { kind: 'drop' }, record: { outcome: 'drop' } };
    case 'html':
      return {
        answer: { kind: 'html', status: 502, html: BAD_GATEWAY_PAGE },
        record: { outcome: 'html', httpStatus: 502 },
      };
    case 'http-500':
      return answerGatewayError(context, request, 'E05000', { outcome: 'http-500' });
    case 'http-503':
      return answerGatewayError(context, request, 'E05030', {
        outcome: 'http-503',
        headers: { 'retry-after': String(scenario.retryAfterSeconds) },
      });
    case 'gateway-error':
      return answerGatewayError(context, request, scenario.code, { outcome: 'gateway-error' });
    case 'expired-token':
      return answerGatewayError(context, request, 'E01003', { outcome: 'expired-token' });
    default:
      return undefined;
  }
}
