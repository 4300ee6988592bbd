// @codepay/models: types and precompiled validators generated from spec/. Hand-written: re-exports only.
export type * from './gen/components.gen.js';
export {
  currencyMinorUnits,
  moneyLimits,
  services,
  serviceNames,
  specHash,
  tokenRefusalCodes,
  patternRules,
  orderStatuses,
  gatewayErrorCodes,
  gatewayErrorHttpStatus,
  languages,
  defaultLanguage,
  wirePaths,
  businessErrorCodes,
  type GatewayErrorCode,
  type Language,
  type BusinessErrorCode,
  type RetryPolicy,
  type ServiceDefinition,
  type ServiceParams,
  type ServicePayload,
  type ServiceResult,
  type ServiceTypes,
} from './gen/services.gen.js';
export { validatePaymentOrderStatusNotification } from './notification-validators.js';
export type { ErrorObject, ValidateFunction } from 'ajv';
