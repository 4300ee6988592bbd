// @codepay/transport: the CodePay envelope. Public API only; everything else is internal.
export * from './errors.js';
export * from './crypto/index.js';
