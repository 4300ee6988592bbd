import { describe, expect, it } from 'vitest';
import { ScenarioQueue } from '../src/scenario-queue.js';
import { parseScenario, SCENARIO_NAMES } from '../src/scenarios.js';

describe('parseScenario', () => {
  it('knows every documented scenario, with its defaults', () => {
    expect(SCENARIO_NAMES.map((name) => parseScenario(name).text)).toEqual([
      'business-error:P0001',
      'gateway-error:E05000',
      'bad-signature',
      'wrong-key',
      'slow:2000',
      'drop',
      'http-500',
      'http-503:1',
      'html',
      'expired-token',
      'commit-drop',
      'commit-html-504',
      'commit-unsigned-503',
      'commit-truncated',
      'commit-html-401',
    ]);
  });

  it('reads arguments, ignoring case and spaces around them', () => {
    expect(parseScenario(' SLOW:5000 ')).toMatchObject({ name: 'slow', argument: 5000, text: 'slow:5000' });
    expect(parseScenario('http-503:3')).toMatchObject({ name: 'http-503', argument: 3 });
    expect(parseScenario('gateway-error:E07303')).toMatchObject({ name: 'gateway-error', argument: 'E07303' });
    expect(parseScenario('business-error: P0042')).toMatchObject({ name: 'business-error', argument: 'P0042' });
    expect(parseScenario('Commit-Drop')).toMatchObject({
      name: 'commit-drop',
      argument: undefined,
      text: 'commit-drop',
    });
  });

  it('refuses unknown names, bad arguments, and arguments where none is taken', () => {
    const refused = [
      '',
      'explode',
      'slow:',
      'slow:1.5',
      'slow:-1',
      'slow:999999999',
      'http-503:x',
      'gateway-error:E 1',
      'drop:now',
      'html:1',
      'commit-drop:1',
      'commit-truncated:half',
      'commit',
      'constructor',
      '__proto__',
    ];
    for (const text of refused) {
      expect(() => parseScenario(text), text).toThrow();
    }
  });
});

describe('ScenarioQueue', () => {
  it('hands each scenario out the given number of times, oldest first', () => {
    const queue = new ScenarioQueue();
    queue.add(parseScenario('drop'), 2);
    queue.add(parseScenario('html'), 1);
    expect(queue.pending).toBe(3);
    expect([queue.take(), queue.take(), queue.take(), queue.take()].map((s) => s?.name)).toEqual([
      'drop',
      'drop',
      'html',
      undefined,
    ]);
    expect(queue.pending).toBe(0);
  });

  it('hands an entry for a service only to that service, oldest applicable entry first', () => {
    const queue = new ScenarioQueue();
    queue.add(parseScenario('drop'), 2, 'createOrder');
    queue.add(parseScenario('html'), 1);
    expect(queue.take('getBalance')?.name).toBe('html');
    expect(queue.take('getBalance')).toBeUndefined();
    expect(queue.take(undefined)).toBeUndefined();
    expect(queue.pending).toBe(2);
    expect(
      [queue.take('createOrder'), queue.take('createOrder'), queue.take('createOrder')].map((s) => s?.name),
    ).toEqual(['drop', 'drop', undefined]);
  });

  it('refuses non-positive or fractional counts', () => {
    const queue = new ScenarioQueue();
    for (const times of [0, -1, 1.5, Number.NaN])
      expect(() => queue.add(parseScenario('drop'), times)).toThrow(RangeError);
  });
});
