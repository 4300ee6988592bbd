// Markdown table formatting: the console and RESULTS.md show the same text.

export type Cell = string | number | undefined;

export interface Column {
  title: string;
  /** Right-align (numbers). */
  right?: boolean;
}

export function markdownTable(columns: readonly Column[], rows: readonly Cell[][]): string {
  const text = (cell: Cell) =>
    cell === undefined || (typeof cell === 'number' && Number.isNaN(cell)) ? '—' : String(cell);
  const header = `| ${columns.map((c) => c.title).join(' | ')} |`;
  const rule = `| ${columns.map((c) => (c.right ? '---:' : '---')).join(' | ')} |`;
  const body = rows.map((row) => `| ${row.map(text).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

/** Fixed decimals, or undefined (shown as —) for NaN/undefined. */
export function fixed(value: number | undefined, digits: number): string | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return value.toFixed(digits);
}

/** Thousands separators for call rates and counts. */
export function whole(value: number | undefined): string | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return Math.round(value).toLocaleString('en-US');
}

/** "met" / "MISSED" beside the measured value: the benchmark reports, it never fails. */
export function verdict(ok: boolean | undefined): string {
  return ok === undefined ? '—' : ok ? 'met' : 'MISSED';
}
