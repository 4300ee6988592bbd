// What every endpoint handler gets: the gateway's state, the request as read, and one way to answer with the signed
// gateway error body.

import type { IncomingHttpHeaders } from 'node:http';
import { createGatewayErrorBody, GATEWAY_ERROR_HTTP_STATUS, isKnownGatewayErrorCode } from './gateway-error.js';
import type { Answer, ReceivedBody } from './http-io.js';
import type { LoadedGatewayKeys } from './keys.js';
import type { Language } from './messages.js';
import type { MerchantState } from './merchant-state.js';
import type { SandboxSessions } from './sandbox-sessions.js';
import type { NotificationDispatcher } from './webhooks.js';
import type { PrismEngine } from './prism-engine.js';
import type { RecordedRequest } from './request-log.js';
import type { ScenarioQueue } from './scenario-queue.js';
import type { TokenStore } from './token-store.js';

export interface GatewayContext {
  readonly keys: LoadedGatewayKeys;
  readonly tokens: TokenStore;
  readonly prism: PrismEngine;
  /** Payers and orders created so far, so answers follow what was sent. */
  readonly state: MerchantState;
  /** Card and CVC sessions, device data collection and the sandbox's JWTs. */
  readonly sessions: SandboxSessions;
  /** Notifications of status changes and their delivery. */
  readonly notifications: NotificationDispatcher;
  /** The gateway's base URL (known once it listens). */
  readonly url: () => string;
  readonly payScenarios: ScenarioQueue;
  readonly tokenScenarios: ScenarioQueue;
  /** Aborted when the gateway closes, so delayed answers give up instead of holding the process open. */
  readonly signal: AbortSignal;
}

export interface GatewayRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: ReceivedBody;
  readonly language: Language;
  /** This request's id, used in whatever answer it gets. */
  readonly psn: string;
}

/** The fields of a log entry that the handler decides (the server fills in time, path, method and language). */
export type RecordFields = Omit<RecordedRequest, 'receivedAt' | 'endpoint' | 'method' | 'path' | 'language'>;

export interface HandledRequest {
  answer: Answer;
  record: RecordFields;
}

export interface GatewayErrorAnswerOptions {
  /** Outcome to record instead of the code (e.g. the scenario that caused the error). */
  outcome?: string;
  detail?: string;
  headers?: Readonly<Record<string, string>>;
  /** Fields already known about the request (service, params…), kept in the log entry. */
  record?: Partial<RecordFields>;
}

/** The signed error body with the code's HTTP status (200 for codes the mock has no status for). */
export async function answerGatewayError(
  context: GatewayContext,
  request: GatewayRequest,
  code: string,
  options: GatewayErrorAnswerOptions = {},
): Promise<HandledRequest> {
  const status = isKnownGatewayErrorCode(code) ? GATEWAY_ERROR_HTTP_STATUS[code] : 200;
  const spec = {
    code,
    language: request.language,
    psn: request.psn,
    ...(options.detail ? { detail: options.detail } : {}),
  };
  const body = await createGatewayErrorBody(spec, context.keys.platformPrivateKey);
  const { sign: _sign, ...readable } = body;
  return {
    answer: { kind: 'json', status, body, ...(options.headers ? { headers: options.headers } : {}) },
    record: {
      ...options.record,
      psn: request.psn,
      httpStatus: status,
      outcome: options.outcome ?? code,
      code,
      answer: readable,
    },
  };
}
