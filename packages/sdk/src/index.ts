// @codepay/sdk: the public API, what a merchant needs and no more: the client and its options, per service one
// params and one result type (generated: gen/types.gen.ts), the shared entities, the errors and a few helpers.
// The envelope's crypto and the generated models in full are in @codepay/transport and @codepay/models.
export { createCodePay, type CodePay, type CodePayOptions } from './client.js';
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
export type * from './gen/types.gen.js';
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
  consoleLogger,
  type Logger,
  type LogLevel,
  type Language,
  type TokenProvider,
} from '@codepay/transport';
// Types few applications name are left to @codepay/transport: TokenRequestContext and FetchedToken (for writing a
// tokenProvider), PreparedEnvelope (what prepare() returns) and ValidationIssue (ValidationError's issues).
export {
  orderStatuses,
  gatewayErrorCodes,
  businessErrorCodes,
  type BusinessErrorCode,
  type GatewayErrorCode,
  type Order,
  type OrderStatus,
  type Payer,
  type PaymentOrderStatusEvent,
  type ServiceName,
} from '@codepay/models';
