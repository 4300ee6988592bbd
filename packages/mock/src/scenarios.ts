// The fault scenarios, one record each: its name, what the client receives, the point in the handling of a request
// where it acts, and what it does there. The handlers consult this registry at each point (pay-handler.ts, and
// token-handler.ts for the scenarios that also apply to /api/v2/token); which scenario a request gets — from the
// `x-mock-scenario` header or the queue — is scenario-queue.ts's business. The README's "Fault scenarios" table is
// checked against these records (test/scenario-registry.test.ts).

import { setTimeout as delay } from 'node:timers/promises';
import {
  answerGatewayError,
  type GatewayContext,
  type GatewayRequest,
  type HandledRequest,
  type RecordFields,
} from './gateway-context.js';
import { gatewayErrorMessage } from './gateway-error.js';
import type { Answer } from './http-io.js';
import { TEXTS, type Language } from './messages.js';
import { businessFailure, type BusinessPayload, type SealTampering } from './platform-envelope.js';

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

/** Where in the handling of a request a scenario acts, in the order a request meets them. */
export type ScenarioPoint = 'before-checks' | 'business-payload' | 'sealing' | 'after-handling';

/** How the README's "when it applies" column says each point. */
export const SCENARIO_POINT_TEXT: Readonly<Record<ScenarioPoint, string>> = {
  // Like a proxy or load balancer failing in front of the gateway: no valid token or envelope needed.
  'before-checks': 'before anything is checked',
  'business-payload': 'after the envelope is verified and the service found',
  // The request is handled as usual (a state change is stored), then its sealed answer is tampered with.
  sealing: 'on the sealed answer',
  // Commit-then-lose: handled exactly as without the scenario, then the answer is lost on the way back, so the client
  // cannot tell whether the change happened.
  'after-handling': 'after the whole request is handled',
};

/**
 * The answer a scenario imposes (in place of the gateway's own, or of the one it produced) and what the log says of
 * it; the handler records the scenario's name as the outcome.
 */
export interface ScenarioAnswer {
  answer: Answer;
  record: Partial<RecordFields>;
}

interface ArgumentSpec<A> {
  /** How the README names it: `slow[:MS]`. */
  readonly placeholder: string;
  readonly default: A;
  /** Throws a ScenarioSyntaxError for text that is not one. */
  parse(text: string, name: string): A;
}

// Method syntax on purpose: a record for one argument type is then a record of the registry's `unknown` one.
type ScenarioAct<A> =
  | {
      readonly point: 'before-checks';
      /** The answer the fault imposes, or undefined to go on handling the request (after any delay). */
      act(context: GatewayContext, request: GatewayRequest, argument: A): Promise<ScenarioAnswer | undefined>;
    }
  | { readonly point: 'business-payload'; act(argument: A, language: Language): BusinessPayload }
  | { readonly point: 'sealing'; readonly tampering: SealTampering }
  | { readonly point: 'after-handling'; act(request: GatewayRequest, produced: Answer): ScenarioAnswer };

export type ScenarioRecord<A = unknown> = {
  /** What the client receives (markdown, as the README's table shows it). */
  readonly description: string;
  /** Whether /api/v2/token takes it too (its answer is neither encrypted nor a business payload). */
  readonly tokenEndpoint: boolean;
  readonly argument?: ArgumentSpec<A>;
} & ScenarioAct<A>;

/** A scenario as a request gets it: its record and its argument (the record's default when none was written). */
export interface Scenario {
  readonly name: ScenarioName;
  readonly record: ScenarioRecord;
  readonly argument: unknown;
  /** The canonical `name` or `name:argument` (what the request log shows). */
  readonly text: string;
}

/** An `x-mock-scenario` value (or a queueScenario name) the mock does not understand. */
export class ScenarioSyntaxError extends Error {
  override readonly name = 'ScenarioSyntaxError';
}

function integerArgument(placeholder: string, fallback: number, max: number): ArgumentSpec<number> {
  return {
    placeholder,
    default: fallback,
    parse(text, name) {
      const value = Number(text);
      if (!/^[0-9]+$/.test(text) || value > max) {
        throw new ScenarioSyntaxError(`"${name}:${text}": the argument must be an integer from 0 to ${max}`);
      }
      return value;
    },
  };
}

const ERROR_CODE = /^[A-Za-z0-9_-]{1,32}$/;

function codeArgument(fallback: string): ArgumentSpec<string> {
  return {
    placeholder: 'CODE',
    default: fallback,
    parse(text, name) {
      if (!ERROR_CODE.test(text)) {
        throw new ScenarioSyntaxError(`"${name}:${text}": the argument must be an error code`);
      }
      return text;
    },
  };
}

/** Types one record by its argument; the registry holds them all as `ScenarioRecord<unknown>`. */
const scenario = <A = undefined>(record: ScenarioRecord<A>): ScenarioRecord => record;

const DEFAULT_SLOW_DELAY_MS = 2000;
const DEFAULT_RETRY_AFTER_SECONDS = 1;
const DEFAULT_BUSINESS_ERROR_CODE = 'P0001';
const DEFAULT_GATEWAY_ERROR_CODE = 'E05000';

const page = (title: string) =>
  `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
  '<hr><center>codepay-mock</center>\r\n</body>\r\n</html>\r\n';

const BAD_GATEWAY_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>codepay-mock</center></body></html>\n';
/** What nginx sends when the upstream does not answer in time (its server name replaced). */
const GATEWAY_TIMEOUT_PAGE = page('504 Gateway Time-out');
/** What a proxy with its own authentication sends (nginx's auth_basic page), whatever the gateway answered. */
const AUTHORIZATION_REQUIRED_PAGE = page('401 Authorization Required');

export const SCENARIOS: { readonly [N in ScenarioName]: ScenarioRecord } = {
  'business-error': scenario({
    description:
      'sealed HTTP 200 answer with `status: -1`, `errorCode` `P0001` (or CODE), localized `errorMessage`, `data: null`',
    tokenEndpoint: false,
    argument: codeArgument(DEFAULT_BUSINESS_ERROR_CODE),
    point: 'business-payload',
    act: (errorCode, language) => businessFailure(errorCode, TEXTS.businessFailure[language]),
  }),
  'gateway-error': scenario({
    description:
      'signed error body with CODE (default `E05000`), HTTP status of that code (table above; 200 for codes the mock ' +
      'does not know)',
    tokenEndpoint: true,
    argument: codeArgument(DEFAULT_GATEWAY_ERROR_CODE),
    point: 'before-checks',
    act: (context, request, code) => answerGatewayError(context, request, code),
  }),
  'bad-signature': scenario({
    description:
      'the request is handled — its change stored — then its valid, encrypted answer is sent with one bit of `sign` flipped',
    tokenEndpoint: false,
    point: 'sealing',
    tampering: 'bad-signature',
  }),
  'wrong-key': scenario({
    description:
      'the request is handled — its change stored — then its valid answer is encrypted with another AES key, signed ' +
      'correctly over the plaintext',
    tokenEndpoint: false,
    point: 'sealing',
    tampering: 'wrong-key',
  }),
  slow: scenario({
    description: `the normal answer after MS milliseconds (default ${DEFAULT_SLOW_DELAY_MS})`,
    tokenEndpoint: true,
    argument: integerArgument('MS', DEFAULT_SLOW_DELAY_MS, 10 * 60 * 1000),
    point: 'before-checks',
    async act(context, _request, delayMs) {
      await delay(delayMs, undefined, { signal: context.signal });
      return undefined;
    },
  }),
  drop: scenario({
    description: 'reads the whole request, then destroys the connection without answering',
    tokenEndpoint: true,
    point: 'before-checks',
    act: async () => ({ answer: { kind: 'drop' }, record: {} }),
  }),
  'http-500': scenario({
    description: 'HTTP 500 with the signed E05000 body',
    tokenEndpoint: true,
    point: 'before-checks',
    act: (context, request) => answerGatewayError(context, request, 'E05000'),
  }),
  'http-503': scenario({
    description: `HTTP 503 with the signed E05030 body and \`Retry-After: S\` (default ${DEFAULT_RETRY_AFTER_SECONDS})`,
    tokenEndpoint: true,
    argument: integerArgument('S', DEFAULT_RETRY_AFTER_SECONDS, 24 * 60 * 60),
    point: 'before-checks',
    act: (context, request, seconds) =>
      answerGatewayError(context, request, 'E05030', { headers: { 'retry-after': String(seconds) } }),
  }),
  html: scenario({
    description: 'HTTP 502 `text/html` error page, as a load balancer would send',
    tokenEndpoint: true,
    point: 'before-checks',
    act: async () => ({ answer: { kind: 'html', status: 502, html: BAD_GATEWAY_PAGE }, record: { httpStatus: 502 } }),
  }),
  'expired-token': scenario({
    description: 'HTTP 401 E01003, whatever token was sent',
    tokenEndpoint: false,
    point: 'before-checks',
    act: (context, request) => answerGatewayError(context, request, 'E01003'),
  }),
  'commit-drop': scenario({
    description: 'the request is handled (its change stored), then the connection is destroyed without an answer',
    tokenEndpoint: false,
    point: 'after-handling',
    act: () => ({ answer: { kind: 'drop' }, record: {} }),
  }),
  'commit-html-504': scenario({
    description:
      'handled, then HTTP 504 `text/html` gateway-timeout page, as a load balancer whose upstream was slow would send',
    tokenEndpoint: false,
    point: 'after-handling',
    act: () => ({ answer: { kind: 'html', status: 504, html: GATEWAY_TIMEOUT_PAGE }, record: { httpStatus: 504 } }),
  }),
  'commit-unsigned-503': scenario({
    description: 'handled, then HTTP 503 `{"code":"E05030","msg":…,"psn":…}` with no `sign` (and no `Retry-After`)',
    tokenEndpoint: false,
    point: 'after-handling',
    act(request) {
      // Shaped like the gateway's error body, so only a client that checks `sign` knows it is not the gateway's.
      const body = { code: 'E05030', msg: gatewayErrorMessage('E05030', request.language), psn: request.psn };
      return {
        answer: { kind: 'json', status: 503, body },
        record: { httpStatus: 503, psn: request.psn, code: 'E05030' },
      };
    },
  }),
  'commit-truncated': scenario({
    description:
      "handled, then the status line, the headers with the full `Content-Length`, the first half of the body's bytes, " +
      'and a closed connection',
    tokenEndpoint: false,
    point: 'after-handling',
    act(_request, produced) {
      // Every answer of /api/v2/pay is JSON; anything else (never produced here) is passed on as it is.
      if (produced.kind !== 'json') return { answer: produced, record: {} };
      return { answer: { ...produced, kind: 'truncated' }, record: { httpStatus: produced.status } };
    },
  }),
  'commit-html-401': scenario({
    description:
      'handled, then HTTP 401 `text/html` "401 Authorization Required" page with `WWW-Authenticate: Basic`, as an ' +
      'authenticating proxy would send',
    tokenEndpoint: false,
    point: 'after-handling',
    act: () => ({
      answer: {
        kind: 'html',
        status: 401,
        html: AUTHORIZATION_REQUIRED_PAGE,
        headers: { 'www-authenticate': 'Basic realm="codepay-mock"' },
      },
      record: { httpStatus: 401 },
    }),
  }),
};

/** The scenarios /api/v2/token takes. */
export const TOKEN_ENDPOINT_SCENARIOS: ReadonlySet<ScenarioName> = new Set(
  SCENARIO_NAMES.filter((name) => SCENARIOS[name].tokenEndpoint),
);

/** Parses `name` or `name:argument`, e.g. `slow:5000`, `http-503:3`, `gateway-error:E07303`. */
export function parseScenario(text: string): Scenario {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const name = (colon < 0 ? trimmed : trimmed.slice(0, colon)).toLowerCase();
  const written = colon < 0 ? undefined : trimmed.slice(colon + 1).trim();
  if (!Object.hasOwn(SCENARIOS, name)) {
    throw new ScenarioSyntaxError(`"${trimmed}" is not a scenario; known: ${SCENARIO_NAMES.join(', ')}`);
  }
  const known = name as ScenarioName;
  const record = SCENARIOS[known];
  if (!record.argument) {
    if (written !== undefined) throw new ScenarioSyntaxError(`"${name}" takes no argument`);
    return { name: known, record, argument: undefined, text: name };
  }
  const argument = written === undefined ? record.argument.default : record.argument.parse(written, name);
  return { name: known, record, argument, text: `${name}:${String(argument)}` };
}

/**
 * The first point, on either endpoint: the answer a before-checks scenario imposes, with what is `known` of the
 * request and the scenario's name as the outcome; undefined to go on handling the request.
 */
export async function answerBeforeChecks(
  scenario: Scenario | undefined,
  context: GatewayContext,
  request: GatewayRequest,
  known: Partial<RecordFields>,
): Promise<HandledRequest | undefined> {
  if (scenario?.record.point !== 'before-checks') return undefined;
  const fault = await scenario.record.act(context, request, scenario.argument);
  return fault && { ...fault, record: { ...known, ...fault.record, outcome: scenario.name } };
}
