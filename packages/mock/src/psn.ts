// The request id (`psn`) every answer carries. Shaped like the spec's example (PSN + UTC yyyyMMddHHmmss + a
// six-digit sequence). The sequence is shared by every gateway in the process, so two mocks started by one test run
// never hand out the same psn.

let sequence = 0;

function utcStamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

export function nextPsn(now: Date = new Date()): string {
  sequence = (sequence + 1) % 1_000_000;
  return `PSN${utcStamp(now)}${String(sequence).padStart(6, '0')}`;
}
