// @codepay/redis: Redis for CodePay deployments with several processes. Public API only.
export { redisTokenProvider, type RedisTokenProvider, type RedisTokenProviderOptions } from './token-provider.js';
export {
  redisNotificationDeduplicator,
  type RedisNotificationDeduplicatorOptions,
} from './notification-deduplicator.js';
export { RedisUnavailableError, type RedisScriptClient } from './redis-link.js';
