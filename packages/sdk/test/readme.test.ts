// The README's order-status and error-code tables are the spec's, word for word (regenerate them from
// test/support/readme-tables.ts when the spec changes).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodeTable, orderStatusTable } from './support/readme-tables.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README tables generated from the spec', () => {
  it('order statuses', () => expect(readme).toContain(orderStatusTable()));
  it('error codes', () => expect(readme).toContain(errorCodeTable()));
});
