// @codepay/transport: the CodePay envelope. Public API only; what the sibling packages share beyond it is in
// ./internal/ (`@codepay/transport/internal`, not public), everything else is private to this package.
export * from './errors.js';
export * from './crypto/index.js';
export {
  createEnvelopeClient,
  type CallOptions,
  type CallResult,
  type EnvelopeClient,
  type PreparedEnvelope,
} from './envelope-client.js';
export { createEnvelopeFetch, PSN_HEADER } from './envelope-fetch.js';
export { LANGUAGES, type FetchFunction, type Language, type TransportOptions } from './config.js';
export type { TracerProviderLike } from './tracing.js';
export { consoleLogger, filterLogger, silentLogger, type LogFields, type Logger, type LogLevel } from './logger.js';
export type { FetchedToken, TokenProvider, TokenRequestContext } from './token/token-provider.js';
export { formatUtcDateTime } from './date-time.js';
export { TRANSPORT_VERSION } from './user-agent.js';
