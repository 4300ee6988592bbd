// @codepay/sdk: the public API. Errors, key loading and crypto helpers come from @codepay/transport, types from
// @codepay/models; everything a merchant needs is importable from here.
export { createCodePay, type CodePay, type CodePayOptions, type Orders } from './client.js';
export type { FindOrderParams, OutcomeResolution, ResolveOutcomeOptions } from './outcome.js';
export { environments, type EnvironmentName } from './environments.js';
export type {
  Notifications,
  NotificationAck,
  NotificationClaim,
  NotificationClaimResult,
  NotificationDeduplicator,
  NotificationErrorStage,
  NotificationHandlerOptions,
  NotificationListener,
  NotificationRequest,
} from './notifications.js';
export type { PageList, RequestOptions, WithPsn } from './service-caller.js';
export type * from './gen/resources.gen.js';
export { SDK_VERSION } from './version.js';
export {
  AbortError,
  AuthenticationError,
  BusinessError,
  CodePayError,
  ConfigurationError,
  ConnectionError,
  DecryptionError,
  GatewayError,
  ResponseFormatError,
  SignatureVerificationError,
  TimeoutError,
  ValidationError,
  isCodePayError,
  loadAesKey,
  loadPrivateKey,
  loadPublicKey,
  aesDecrypt,
  aesEncrypt,
  signRsaSha256,
  verifyRsaSha256,
  formatUtcDateTime,
  consoleLogger,
  type Logger,
  type LogLevel,
  type Language,
  type FetchedToken,
  type TokenProvider,
  type TokenRequestContext,
  type TracerProviderLike,
  type PreparedEnvelope,
  type ValidationIssue,
} from '@codepay/transport';
export type * from '@codepay/models';
export { orderStatuses, gatewayErrorCodes, businessErrorCodes } from '@codepay/models';
