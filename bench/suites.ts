// Families 4, 5 and 6: the per-service validator medians (validators.ts), the issue-3 envelope CPU ratio
// (envelope.ts) and the issue-18 token requests per minute (token-sharing.ts), each run unchanged in its own process
// so its numbers are not disturbed by the load tests.
import { runBenchScript, splitCaption } from './lib/child-script.js';
import type { TargetLine } from './throughput.js';

export interface SuiteOutput {
  caption: string;
  table: string;
}

export async function runValidators(): Promise<SuiteOutput> {
  return splitCaption(await runBenchScript('validators.ts'));
}

export async function runEnvelope(): Promise<SuiteOutput> {
  return splitCaption(await runBenchScript('envelope.ts'));
}

/** Family 6 (issue 18): token requests per minute for 8 processes, with and without @codepay/redis. */
export async function runTokenSharing(): Promise<SuiteOutput> {
  return splitCaption(await runBenchScript('token-sharing.ts'));
}

/** Family 7: how long bodies of deeply nested JSON, refused unparsed by the notification handler, hold the loop. */
export async function runNotificationLimits(): Promise<SuiteOutput> {
  return splitCaption(await runBenchScript('notification-limits.ts'));
}

/** The verdict column of a script's table row, e.g. "< 5 µs met" → a target line. */
export function targetFromRow(
  table: string,
  rowStart: string,
  target: string,
  valueColumn: number,
  unit = '',
): TargetLine | undefined {
  const row = table.split('\n').find((line) => line.startsWith(`| ${rowStart}`));
  if (!row) return undefined;
  const cells = row
    .split('|')
    .map((cell) => cell.trim())
    .filter((_, i, all) => i > 0 && i < all.length - 1);
  const verdictCell = cells.at(-1) ?? '';
  return {
    target,
    measured: `${cells[valueColumn] ?? '?'}${unit}`,
    met: verdictCell.includes('MISSED') ? false : verdictCell.includes('met') ? true : undefined,
  };
}
