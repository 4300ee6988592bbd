// POST /api/v2/pay. The checks run in the order a real gateway would reject a request: bearer token, envelope
// shape, decryption, signature, service; then Prism validates the parameters and mocks the answer, which is sealed
// like the platform seals it. A fault scenario acts at the point its record names (scenarios.ts), where the fault
// it imitates would happen: before anything is checked, in place of the business payload, on the seal, or after
// the whole request has been handled (commit-then-lose).

import { services, type ServiceName } from '@codepay/models';
import {
  answerGatewayError,
  type GatewayContext,
  type GatewayRequest,
  type HandledRequest,
  type RecordFields,
} from './gateway-context.js';
import { headerValue } from './http-io.js';
import { TEXTS } from './messages.js';
import { openMerchantEnvelope, type OpenedEnvelope } from './merchant-envelope.js';
import { STATE_FAILURES, type StoredChange } from './merchant-state.js';
import { businessFailure, businessSuccess, sealForMerchant, type BusinessPayload } from './platform-envelope.js';
import { parsePreferHeader } from './prefer-header.js';
import type { LostAnswer } from './request-log.js';
import { chooseScenario } from './scenario-queue.js';
import { answerBeforeChecks, type Scenario } from './scenarios.js';

const INVALID_PARAMS_CODE = 'P0400';
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function withRecord(handled: HandledRequest, known: Partial<RecordFields>): HandledRequest {
  return { ...handled, record: { ...known, ...handled.record } };
}

/** E01001 (no token), E01002 (unknown), E01003 (expired), or undefined for a valid token. */
function bearerFailure(context: GatewayContext, request: GatewayRequest): string | undefined {
  const token = BEARER.exec(headerValue(request, 'authorization') ?? '')?.[1];
  if (token === undefined) return 'E01001';
  const state = context.tokens.check(token);
  return state === 'valid' ? undefined : state === 'expired' ? 'E01003' : 'E01002';
}

/** What the log can say about the request whatever its answer: the service and parameters that arrived. */
function knownFields(envelope: OpenedEnvelope): Partial<RecordFields> {
  const known: Partial<RecordFields> = {};
  if (envelope.service !== undefined) known.service = envelope.service;
  if (envelope.ok && envelope.params.json) known.params = envelope.params.value;
  if (!envelope.ok && envelope.code === 'E02001' && envelope.params !== undefined) known.params = envelope.params;
  if (envelope.ok) known.signature = 'valid';
  if (!envelope.ok && envelope.code === 'E02001') known.signature = 'invalid';
  return known;
}

/**
 * A real gateway's answer repeats what was asked where the result has the field (the spec's `x-codepay-echo`:
 * order_sn, email, payerID, currency…), and the SDK refuses an answer that names something else. Prism's examples
 * and generated data know nothing of the request, so the asked values are written over them.
 */
function withEchoes(service: string, params: unknown, data: unknown): unknown {
  const echo = Object.hasOwn(services, service) ? services[service as ServiceName].echo : [];
  if (echo.length === 0 || typeof data !== 'object' || data === null || typeof params !== 'object' || params === null)
    return data;
  const asked = params as Record<string, unknown>;
  const answer = { ...(data as Record<string, unknown>) };
  for (const field of echo) if (asked[field] !== undefined) answer[field] = asked[field];
  return answer;
}

type PayloadResult = { payload: BusinessPayload; outcome: string; change?: StoredChange } | { error: HandledRequest };

async function businessPayloadFor(
  context: GatewayContext,
  request: GatewayRequest,
  envelope: Extract<OpenedEnvelope, { ok: true }>,
  scenario: Scenario | undefined,
): Promise<PayloadResult> {
  const language = request.language;
  if (!envelope.params.json) {
    const message = TEXTS.invalidParamsPrefix[language] + TEXTS.bizContentNotJson[language];
    return { payload: businessFailure(INVALID_PARAMS_CODE, message), outcome: 'invalid-params' };
  }
  if (scenario?.record.point === 'business-payload') {
    return { payload: scenario.record.act(scenario.argument, language), outcome: scenario.name };
  }
  const preferences = parsePreferHeader(headerValue(request, 'prefer'));
  const mocked = await context.prism.mock(envelope.service, envelope.params.value, preferences);
  switch (mocked.kind) {
    case 'mocked': {
      const answered = context.state.answer(
        envelope.service,
        envelope.params.value as Record<string, unknown>,
        mocked.data,
      );
      if ('failure' in answered) {
        return {
          payload: businessFailure(answered.failure, STATE_FAILURES[answered.failure][language]),
          outcome: 'business-error',
        };
      }
      const data = withEchoes(envelope.service, envelope.params.value, answered.data);
      return { payload: businessSuccess(data), outcome: 'ok', ...(answered.change ? { change: answered.change } : {}) };
    }
    case 'invalid-params':
      return {
        payload: businessFailure(INVALID_PARAMS_CODE, TEXTS.invalidParamsPrefix[language] + mocked.messages.join('; ')),
        outcome: 'invalid-params',
      };
    case 'prism-error':
      return { error: await answerGatewayError(context, request, 'E05000', { detail: `Prism: ${mocked.detail}` }) };
  }
}

export async function handlePay(context: GatewayContext, request: GatewayRequest): Promise<HandledRequest> {
  // Opened before anything is answered so that every log entry names the service and parameters that arrived, and
  // so that a scenario queued for one service is only taken by a request for it.
  const envelope = await openMerchantEnvelope(request.body, context.keys);
  const known = knownFields(envelope);

  const choice = chooseScenario(context, request, context.payScenarios, { service: known.service });
  if (choice.kind === 'rejected') return withRecord(await choice.answer, known);
  const scenario = choice.kind === 'chosen' ? choice.scenario : undefined;
  if (scenario) known.scenario = scenario.text;

  const fault = await answerBeforeChecks(scenario, context, request, known);
  if (fault) return fault;

  const handled = await answerRequest(context, request, envelope, known, scenario);
  return scenario?.record.point === 'after-handling' ? loseAnswer(handled, scenario, request) : handled;
}

/** The fields of the handled request's log entry that stay true whatever the client receives. */
function keptFields({ service, params, scenario, change, answer, signature }: RecordFields): Partial<RecordFields> {
  return {
    ...(service === undefined ? {} : { service }),
    ...(params === undefined ? {} : { params }),
    ...(signature === undefined ? {} : { signature }),
    ...(scenario === undefined ? {} : { scenario }),
    ...(change === undefined ? {} : { change }),
    ...(answer === undefined ? {} : { answer }),
  };
}

function lostAnswerOf(record: RecordFields, psn: string): LostAnswer {
  return {
    outcome: record.outcome,
    httpStatus: record.httpStatus ?? 200,
    psn: record.psn ?? psn,
    ...(record.code === undefined ? {} : { code: record.code }),
  };
}

/**
 * A commit-then-lose scenario: the request was handled exactly as without it (a change stored, a refusal stored
 * nothing), then the answer it produced is replaced as the scenario says; the log keeps the lost answer and the change.
 */
function loseAnswer(handled: HandledRequest, scenario: Scenario, request: GatewayRequest): HandledRequest {
  if (scenario.record.point !== 'after-handling') return handled;
  const { answer, record } = scenario.record.act(request, handled.answer);
  return {
    answer,
    record: {
      ...keptFields(handled.record),
      ...record,
      outcome: scenario.name,
      lostAnswer: lostAnswerOf(handled.record, request.psn),
    },
  };
}

/** The gateway's own answer: a gateway error, or the sealed business payload (tampered with by some scenarios). */
async function answerRequest(
  context: GatewayContext,
  request: GatewayRequest,
  envelope: OpenedEnvelope,
  known: Partial<RecordFields>,
  scenario: Scenario | undefined,
): Promise<HandledRequest> {
  const tokenCode = bearerFailure(context, request);
  if (tokenCode) return answerGatewayError(context, request, tokenCode, { record: known });
  if (!envelope.ok) return answerGatewayError(context, request, envelope.code, { record: known });
  if (!context.prism.hasService(envelope.service))
    return answerGatewayError(context, request, 'E07303', { record: known });

  const result = await businessPayloadFor(context, request, envelope, scenario);
  if ('error' in result) return withRecord(result.error, known);

  const tampering = scenario?.record.point === 'sealing' ? scenario.record.tampering : undefined;
  const sealed = await sealForMerchant(result.payload, context.keys, tampering);
  return {
    answer: { kind: 'json', status: 200, body: { statusCode: 0, psn: request.psn, ...sealed } },
    record: {
      ...known,
      psn: request.psn,
      httpStatus: 200,
      outcome: tampering === undefined ? result.outcome : scenario!.name,
      ...(result.payload.errorCode === null || result.payload.errorCode === undefined
        ? {}
        : { code: String(result.payload.errorCode) }),
      ...(result.change ? { change: result.change } : {}),
      answer: result.payload,
    },
  };
}
