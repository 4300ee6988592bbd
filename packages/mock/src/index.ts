// @codepay/mock: a local CodePay gateway that speaks the real encrypted, signed envelope. Public API only.
export { startMockGateway, PAY_PATH, TOKEN_PATH } from './server.js';
export type { MockGateway, MockGatewayOptions, QueueScenarioOptions } from './server.js';
export { generateGatewayKeys } from './keys.js';
export type { MockClientKeys, MockGatewayKeys } from './keys.js';
export type { RecordedRequest, RequestOutcome, GatewayEndpoint, LostAnswer } from './request-log.js';
export type { CardPayment, CardPaymentStage, StoredChange, UnknownRecords } from './merchant-state.js';
export { TEST_CARDS, MAGIC_NAMES, type TestCard, type MagicName } from './test-cards.js';
export {
  MAX_NOTIFICATION_ATTEMPTS,
  STANDARD_RETRY_DELAYS_MS,
  FAST_RETRY_DELAYS_MS,
  type NotificationAttempt,
  type NotificationDelivery,
  type NotificationState,
  type NotifyRetry,
} from './webhooks.js';
export type { NotificationAnswer, SendNotificationOptions } from './notifications.js';
export { SCENARIO_NAMES, type ScenarioName, type ScenarioText } from './scenarios.js';
export {
  GATEWAY_ERROR_HTTP_STATUS,
  flatSigningText,
  type GatewayErrorBody,
  type GatewayErrorCode,
} from './gateway-error.js';
export { LANGUAGES, type Language } from './messages.js';
export { tokenSigningText } from './token-handler.js';
