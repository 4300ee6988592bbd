// The README's tables of order statuses and error codes, written from the generated models: the README test checks
// the README holds exactly these, so the tables cannot drift from the spec.
import {
  businessErrorCodes,
  gatewayErrorCodes,
  gatewayErrorHttpStatus,
  orderStatuses,
  type GatewayErrorCode,
} from '@codepay/models';

const yes = (flag: boolean) => (flag ? 'yes' : '—');

export function orderStatusTable(): string {
  const rows = Object.entries(orderStatuses).map(
    ([status, info]) =>
      `| \`${status}\` | ${yes(info.final)} | ${yes(info.moneyReceived)} | ${yes(info.refund)} | ${info.meaning} |`,
  );
  return [
    '| status | final | money received | refund | what it means |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** A gateway refusal sent with 401 is about the token: the SDK raises it as an AuthenticationError. */
const raisedAs = (code: GatewayErrorCode) =>
  gatewayErrorHttpStatus[code] === 401 ? 'AuthenticationError' : 'GatewayError';

export function errorCodeTable(): string {
  const rows = [
    ...Object.entries(gatewayErrorCodes).map(
      ([code, meaning]) =>
        `| \`${code}\` | ${gatewayErrorHttpStatus[code as GatewayErrorCode]} | \`${raisedAs(code as GatewayErrorCode)}\` (\`code\`) | ${meaning} |`,
    ),
    ...Object.entries(businessErrorCodes).map(
      ([code, meaning]) => `| \`${code}\` | 200 | \`BusinessError\` (\`errorCode\`) | ${meaning} |`,
    ),
  ];
  return ['| code | HTTP status | raised as | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
