// Deeply nested answers (issue 15, finding 6): JSON.parse of a 10 MiB body nested millions deep blocks the event
// loop for seconds, so a 1 s deadline took 4.8 s and every other call of the process waited. Such a body is refused
// before it is parsed, after a scan of at most MAX_JSON_DEPTH levels.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseFormatError } from '../src/errors.js';
import { jsonNestingExceeds, MAX_JSON_DEPTH, parseJsonExact } from '../src/json-exact.js';
import { balanceParams, testClient } from './support/test-client.js';

const HALF = 5 * 1024 * 1024;
const deepArrays = '['.repeat(HALF) + ']'.repeat(HALF);
const deepObjects = `${'{"a":'.repeat(HALF / 5)}1${'}'.repeat(HALF / 5)}`;

describe('a 10 MiB deeply nested answer', () => {
  let server: Server;
  let url: string;
  let body = deepArrays;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it.each([
    ['arrays', deepArrays],
    ['objects', deepObjects],
  ])(
    'nested %s: refused unparsed as a ResponseFormatError, the event loop never blocked, the deadline kept',
    async (_name, text) => {
      body = text;
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const started = performance.now();
      const error = await testClient({ url }, { tokenProvider: async () => 'token', maxRetries: 0 })
        .call('getBalance', balanceParams, { deadline: 1_000 })
        .catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      delay.disable();
      expect(error).toBeInstanceOf(ResponseFormatError);
      expect((error as Error).message).toMatch(new RegExp(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`));
      expect(elapsed).toBeLessThan(1_000);
      // Reading 10 MiB takes a few milliseconds per chunk; parsing it nested took seconds in one piece.
      expect(delay.max / 1e6).toBeLessThan(250);
    },
  );

  it('a token endpoint answering it: refused the same way, not parsed', async () => {
    body = deepArrays;
    const started = performance.now();
    const error = await testClient({ url }, { maxRetries: 0 })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as Error).message).toMatch(/nested too deep/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('the nesting guard', () => {
  it(`allows ${MAX_JSON_DEPTH} levels and refuses one more, counting brackets inside strings as text`, () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(jsonNestingExceeds(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestingExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestingExceeds(JSON.stringify({ text: '['.repeat(1000), escaped: '\\"[[[[' }))).toBe(false);
    expect(() => parseJsonExact(nested(MAX_JSON_DEPTH + 1))).toThrow(SyntaxError);
    expect(parseJsonExact('{"id":9007199254740993,"list":[[1]]}')).toEqual({ id: '9007199254740993', list: [[1]] });
  });

  it('stops at the first level too deep: a 10 MiB nested text is judged in microseconds', () => {
    const started = performance.now();
    for (let i = 0; i < 100; i++) jsonNestingExceeds(deepArrays);
    expect((performance.now() - started) / 100).toBeLessThan(1);
  });
});
