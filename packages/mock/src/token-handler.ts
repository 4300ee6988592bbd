// POST /api/v2/token, the decided contract: body `{appId, timestamp, sign}` where `sign` is SHA256withRSA by the
// merchant over `appId=<appId>&timestamp=<timestamp>`. Checked in the order appId (E01010), timestamp window
// (E01011), signature (E01012); every refusal is HTTP 401 with the signed error body.

import { formatUtcDateTime, verifyRsaSha256 } from '@codepay/transport';
import { tokenSigningText } from '@codepay/transport/internal';
import {
  answerGatewayError,
  type GatewayContext,
  type GatewayRequest,
  type HandledRequest,
  type RecordFields,
} from './gateway-context.js';
import { chooseScenario } from './scenario-queue.js';
import { answerBeforeChecks, TOKEN_ENDPOINT_SCENARIOS } from './scenarios.js';
import { shortToken } from './token-store.js';

/** How far a token request's timestamp may be from the gateway's clock, either way. */
export const TOKEN_TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;

const UTC_DATE_TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})$/;

/** Milliseconds since the epoch of a UTC `yyyy-MM-dd HH:mm:ss`, or undefined if the text is not a real date-time. */
export function parseUtcDateTime(text: string): number | undefined {
  const parts = UTC_DATE_TIME.exec(text)?.slice(1).map(Number);
  if (!parts) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts;
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2024-02-31 over to March; a real date-time survives the round trip unchanged.
  return formatUtcDateTime(new Date(time)) === text ? time : undefined;
}

function readTokenRequest(text: string): { appId: string; timestamp: string; sign: string } | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    if (body === null || typeof body !== 'object') return undefined;
    const { appId, timestamp, sign } = body as Record<string, unknown>;
    if (typeof appId !== 'string' || typeof timestamp !== 'string' || typeof sign !== 'string') return undefined;
    return { appId, timestamp, sign };
  } catch {
    return undefined;
  }
}

export async function handleToken(context: GatewayContext, request: GatewayRequest): Promise<HandledRequest> {
  const known: Partial<RecordFields> = {};
  const choice = chooseScenario(context, request, context.tokenScenarios, { applicable: TOKEN_ENDPOINT_SCENARIOS });
  if (choice.kind === 'rejected') return choice.answer;
  if (choice.kind === 'chosen') {
    known.scenario = choice.scenario.text;
    // Only before-checks scenarios apply here (TOKEN_ENDPOINT_SCENARIOS).
    const fault = await answerBeforeChecks(choice.scenario, context, request, known);
    if (fault) return fault;
  }

  const body = request.body.tooLarge ? undefined : readTokenRequest(request.body.text);
  if (!body) return answerGatewayError(context, request, 'E02003', { record: known });
  known.appId = body.appId;
  const refuse = (code: string) => answerGatewayError(context, request, code, { record: known });

  if (body.appId !== context.keys.appId) return refuse('E01010');
  const time = parseUtcDateTime(body.timestamp);
  if (time === undefined || Math.abs(Date.now() - time) > TOKEN_TIMESTAMP_WINDOW_MS) return refuse('E01011');
  if (
    !(await verifyRsaSha256(tokenSigningText(body.appId, body.timestamp), body.sign, context.keys.merchantPublicKey))
  ) {
    return refuse('E01012');
  }

  const token = context.tokens.issue();
  return {
    answer: { kind: 'json', status: 200, body: { statusCode: 0, psn: request.psn, data: token } },
    record: {
      ...known,
      psn: request.psn,
      httpStatus: 200,
      outcome: 'ok',
      answer: {
        statusCode: 0,
        psn: request.psn,
        data: { accessToken: shortToken(token.accessToken), expiresIn: token.expiresIn },
      },
    },
  };
}
