// @codepay/transport/internal: what @codepay/sdk and @codepay/mock share with the transport beyond its public API.
// Not public: see README.md here.
export { TRANSPORT_OPTION_NAMES } from '../config.js';
// These three modules are bundled here only: the public build imports them from this entry (tsup.config.ts), so
// everything the transport's own modules take from them is exported.
export * from '../option-names.js';
export * from '../describe-value.js';
export * from '../json-exact.js';
export { assertKeyPair } from '../crypto/keys.js';
export { flatSigningText, tokenSigningText } from '../envelope/signing-texts.js';
