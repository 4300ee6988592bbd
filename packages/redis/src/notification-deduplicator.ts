// redisNotificationDeduplicator(): the `deduplicate` option of `notifications.handler()` for several processes. A
// notification's key (a hash the SDK makes from its identifying fields) is claimed with a short-lived "running" entry;
// the listener's success turns it into "done" for `completedTtl`, its failure deletes it (compare-and-delete, so
// only the claim's owner can), and a process that dies mid-listener leaves an entry that expires after `claimTtl`.
import { randomBytes } from 'node:crypto';
import type { NotificationClaimResult, NotificationDeduplicator } from '@codepay/sdk';
import type { Logger } from '@codepay/transport';
import { checkChoice, checkClient, checkMs, checkOptionsObject, checkPrefix } from './options.js';
import { DELETE_IF_EQUAL, RedisLink, RedisUnavailableError, type RedisScriptClient } from './redis-link.js';

export interface RedisNotificationDeduplicatorOptions {
  /** Starts every key. Default `'codepay:'`. */
  prefix?: string;
  /** Milliseconds a handled notification is remembered (its duplicates acknowledged unrun). Default 604 800 000 (7 days). */
  completedTtl?: number;
  /**
   * Milliseconds a claim lives while its listener runs: the longest a process that died mid-listener blocks the
   * redeliveries. Keep it above your listener's longest run. Default 60 000.
   */
  claimTtl?: number;
  /**
   * While Redis is unreachable: `'run'` (default) runs the listener anyway — at-least-once, as without a
   * deduplicator; `'refuse'` answers 503 so the platform delivers it again later (it gives up after 10 attempts).
   */
  whenUnavailable?: 'run' | 'refuse';
  /** Milliseconds a Redis command may take before Redis counts as unreachable. Default 1 000. */
  commandTimeout?: number;
  /** While Redis is unreachable, how often (milliseconds) to check whether it is back. Default 5 000. */
  probeInterval?: number;
}

const OPTION_NAMES = [
  'prefix',
  'completedTtl',
  'claimTtl',
  'whenUnavailable',
  'commandTimeout',
  'probeInterval',
] as const;
const DONE = 'done';
const CLAIM = `local value = redis.call('GET', KEYS[1])
if not value then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 'claimed'
end
if value == '${DONE}' then return 'done' end
return 'busy'`;
const COMPLETE = `redis.call('SET', KEYS[1], '${DONE}', 'PX', ARGV[1])
return 1`;

export function redisNotificationDeduplicator(
  client: RedisScriptClient,
  options?: RedisNotificationDeduplicatorOptions,
): NotificationDeduplicator {
  const redis = checkClient(client, 'redisNotificationDeduplicator');
  const given = checkOptionsObject(options, OPTION_NAMES);
  const prefix = checkPrefix(given.prefix);
  const completedTtlMs = checkMs(given.completedTtl, 'completedTtl', 7 * 24 * 60 * 60 * 1000, 1);
  const claimTtlMs = checkMs(given.claimTtl, 'claimTtl', 60_000, 1);
  const whenUnavailable = checkChoice(given.whenUnavailable, 'whenUnavailable', ['run', 'refuse'], 'run');
  const link = new RedisLink(redis, {
    commandTimeoutMs: checkMs(given.commandTimeout, 'commandTimeout', 1_000, 1),
    probeIntervalMs: checkMs(given.probeInterval, 'probeInterval', 5_000, 10),
    whileDown:
      whenUnavailable === 'run'
        ? 'notifications run their listener without deduplication (at-least-once)'
        : 'notifications are answered 503 (the platform delivers them again later)',
    whenBack: 'notifications are deduplicated again',
  });
  const complete = (key: string) => link.run(COMPLETE, [key], [completedTtlMs]).then(() => undefined);

  function unavailable(logger: Logger): NotificationClaimResult {
    if (whenUnavailable === 'refuse') {
      throw new RedisUnavailableError(
        "Redis is unreachable: the notification was not handled (whenUnavailable: 'refuse'); the platform delivers it again.",
      );
    }
    logger.debug('notification runs without deduplication: Redis is unreachable');
    return { status: 'claimed', complete: () => {}, release: () => {} };
  }

  return {
    async claim(hash, { logger }) {
      link.logger = logger;
      if (!link.up) return unavailable(logger);
      const key = `${prefix}notification:${hash}`;
      const owner = `running:${randomBytes(16).toString('hex')}`;
      let answer: unknown;
      try {
        answer = await link.run(CLAIM, [key], [owner, claimTtlMs]);
      } catch (error) {
        if (error instanceof RedisUnavailableError) return unavailable(logger);
        throw error;
      }
      if (answer === 'done' || answer === 'busy') return { status: answer };
      return {
        status: 'claimed',
        // Done for every process, even if this claim expired meanwhile and another process took it: it ran.
        complete: () => complete(key),
        // Only this claim is dropped: not a "done", nor another process's claim after this one expired.
        release: () => link.run(DELETE_IF_EQUAL, [key], [owner]).then(() => undefined),
      };
    },
  };
}
