// The commit-then-lose scenarios. The gateway handles the request exactly as without a scenario — a payer or order
// is stored, a refund moves its order, a refused request changes nothing — and then the answer it produced is lost
// on the way back, the way a proxy timing out, a reset connection or a misconfigured load balancer loses it. The
// client cannot tell from what it receives whether the change happened: these scenarios exist to test that it
// says so truthfully and does not send the change a second time.

import type { GatewayRequest, HandledRequest, RecordFields } from './gateway-context.js';
import { gatewayErrorMessage } from './gateway-error.js';
import type { Answer } from './http-io.js';
import type { LostAnswer } from './request-log.js';
import type { CommitThenLoseScenario } from './scenarios.js';

/** What nginx sends when the upstream does not answer in time (its server name replaced). */
const GATEWAY_TIMEOUT_PAGE =
  '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n' +
  '<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>codepay-mock</center>\r\n</body>\r\n</html>\r\n';

/** What a proxy with its own authentication sends (nginx's auth_basic page), whatever the gateway answered. */
const AUTHORIZATION_REQUIRED_PAGE =
  '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n' +
  '<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>codepay-mock</center>\r\n</body>\r\n</html>\r\n';

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

/** What the client receives instead of `produced`, and the fields of the log that describe it. */
function replacement(
  scenario: CommitThenLoseScenario,
  request: GatewayRequest,
  produced: Answer,
): { answer: Answer; record: Partial<RecordFields> } {
  switch (scenario.name) {
    case 'commit-drop':
      return { answer: { kind: 'drop' }, record: {} };
    case 'commit-html-504':
      return { answer: { kind: 'html', status: 504, html: GATEWAY_TIMEOUT_PAGE }, record: { httpStatus: 504 } };
    case 'commit-html-401': {
      const headers = { 'www-authenticate': 'Basic realm="codepay-mock"' };
      return {
        answer: { kind: 'html', status: 401, html: AUTHORIZATION_REQUIRED_PAGE, headers },
        record: { httpStatus: 401 },
      };
    }
    case 'commit-unsigned-503': {
      // Shaped like the gateway's error body, so only a client that checks `sign` knows it is not the gateway's.
      const body = { code: 'E05030', msg: gatewayErrorMessage('E05030', request.language), psn: request.psn };
      return {
        answer: { kind: 'json', status: 503, body },
        record: { httpStatus: 503, psn: request.psn, code: 'E05030' },
      };
    }
    case 'commit-truncated':
      // Every answer of /api/v2/pay is JSON; anything else (never produced here) is passed on as it is.
      if (produced.kind !== 'json') return { answer: produced, record: {} };
      return { answer: { ...produced, kind: 'truncated' }, record: { httpStatus: produced.status } };
  }
}

/** The handled request with its answer lost as `scenario` says; the log keeps the lost answer and the change. */
export function loseAnswer(
  handled: HandledRequest,
  scenario: CommitThenLoseScenario,
  request: GatewayRequest,
): HandledRequest {
  const { answer, record } = replacement(scenario, request, handled.answer);
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
