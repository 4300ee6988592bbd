// @codepay/transport: the CodePay envelope. Public API only; everything else is internal.
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
export {
  checkBaseUrl,
  isLoopbackHost,
  LANGUAGES,
  TRANSPORT_OPTION_NAMES,
  type FetchFunction,
  type Language,
  type TransportOptions,
} from './config.js';
export { checkOptionNames } from './option-names.js';
export type { TracerProviderLike } from './tracing.js';
export {
  consoleLogger,
  filterLogger,
  fingerprint,
  silentLogger,
  type LogFields,
  type Logger,
  type LogLevel,
} from './logger.js';
export type { TokenProvider, TokenRequestContext } from './token/token-provider.js';
export { formatUtcDateTime } from './date-time.js';
export { parseJsonExact } from './json-exact.js';
export { describeChoice, describeReceived, kindOf } from './describe-value.js';
export { gatewayErrorSigningText } from './envelope/gateway-error-body.js';
export { userAgent, TRANSPORT_VERSION } from './user-agent.js';
