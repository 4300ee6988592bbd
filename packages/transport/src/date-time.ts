// The gateway's date format: `yyyy-MM-dd HH:mm:ss`, always UTC, no zone suffix.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2024-01-31 23:59:59` for the given instant, in UTC. */
export function formatUtcDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid Date cannot be written as a gateway date-time');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}
