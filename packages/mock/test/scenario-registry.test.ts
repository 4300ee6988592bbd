// The scenario registry is the source of the README's "Fault scenarios" table: each record's name (with its
// argument), what the client receives and when it applies, and the list of scenarios /api/v2/token takes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIO_NAMES, SCENARIO_POINT_TEXT, SCENARIOS, TOKEN_ENDPOINT_SCENARIOS } from '../src/scenarios.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Fault scenarios'), readme.indexOf('### Rehearsing a lost answer'));

describe('the scenario registry', () => {
  it('has one record per scenario name, in the order of SCENARIO_NAMES', () => {
    expect(Object.keys(SCENARIOS)).toEqual([...SCENARIO_NAMES]);
  });

  it("is what the README's table says, row by row", () => {
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.slice(2, -2).split(' | '));
    const expected = SCENARIO_NAMES.map((name) => {
      const record = SCENARIOS[name];
      const argument = record.argument ? `[:${record.argument.placeholder}]` : '';
      return [`\`${name}${argument}\``, record.description, SCENARIO_POINT_TEXT[record.point]];
    });
    expect(rows).toEqual(expected);
  });

  it('names the scenarios /api/v2/token takes as the README does', () => {
    const sentence = /On `\/api\/v2\/token`.*? the transport-level scenarios apply: ([^.]*)\./.exec(
      section.replace(/\s+/g, ' '),
    )?.[1];
    expect(sentence?.split(', ').map((name) => name.replaceAll('`', ''))).toEqual([...TOKEN_ENDPOINT_SCENARIOS]);
    // Only scenarios that act before anything is checked can apply where there is no envelope.
    for (const name of TOKEN_ENDPOINT_SCENARIOS) expect(SCENARIOS[name].point).toBe('before-checks');
  });
});
