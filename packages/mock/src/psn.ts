// The request id (`psn`) every answer carries. Shaped like the spec's example (PSN + UTC yyyyMMddHHmmss + a
// six-digit sequence). The sequence is shared by every gateway in the process, so two mocks started by one test run
// never hand out the same psn.

import { formatUtcDateTime } from '@codepay/transport';

let sequence = 0;

export function nextPsn(now: Date = new Date()): string {
  sequence = (sequence + 1) % 1_000_000;
  return `PSN${formatUtcDateTime(now).replace(/\D/g, '')}${String(sequence).padStart(6, '0')}`;
}
