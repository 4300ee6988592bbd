// The README's tables of order statuses and error codes, written from the generated models: the README test checks
// the README holds exactly these, so the tables cannot drift from the spec.
import { businessErrorCodes, gatewayErrorCodes, orderStatuses } from '@codepay/models';

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

export function errorCodeTable(): string {
  const rows = [
    ...Object.entries(gatewayErrorCodes).map(
      ([code, meaning]) => `| \`${code}\` | \`GatewayError\` (\`code\`) | ${meaning} |`,
    ),
    ...Object.entries(businessErrorCodes).map(
      ([code, meaning]) => `| \`${code}\` | \`BusinessError\` (\`errorCode\`) | ${meaning} |`,
    ),
  ];
  return ['| code | raised as | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
