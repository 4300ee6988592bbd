// A real redis-server for the tests of one file: on 127.0.0.1, on a free port, without persistence; stopped after
// them. Missing redis-server skips the tests on a developer's machine; with CODEPAY_REQUIRE_REDIS=1 (CI) it fails.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { redisServerBinary, startRedisServer, type RedisServer } from './redis-process.js';

export { freePort, startRedisServer, type RedisServer } from './redis-process.js';

const required = process.env.CODEPAY_REQUIRE_REDIS === '1';

/** `describe` when redis-server is installed; otherwise skipped, or (CODEPAY_REQUIRE_REDIS=1) one failing test. */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisServerBinary) describe(name, body);
  else if (!required) describe.skip(name, body);
  else
    describe(name, () => {
      it('needs redis-server (CODEPAY_REQUIRE_REDIS=1)', () => {
        throw new Error('redis-server is not installed: apt-get install -y redis-server (CI installs it in .ci/run).');
      });
    });
}

/** A redis-server started before the tests of the file and stopped after them. */
export function useRedisServer(): { server: RedisServer } {
  const holder = {} as { server: RedisServer };
  beforeAll(async () => {
    holder.server = await startRedisServer();
  });
  afterAll(() => holder.server?.stop());
  return holder;
}
