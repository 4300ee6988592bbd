// Validators that are not tied to a service: the notification the platform POSTs to the merchant.
import type { ValidateFunction } from 'ajv';
import type { PaymentOrderStatusNotification } from './gen/types.gen.js';
import validators from './gen/validators.gen.cjs';

export const validatePaymentOrderStatusNotification: ValidateFunction<PaymentOrderStatusNotification> =
  validators.validatePaymentOrderStatusNotification;
