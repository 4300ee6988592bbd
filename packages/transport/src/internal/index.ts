// @codepay/transport/internal: what @codepay/sdk and @codepay/mock share with the transport beyond its public API.
// Not public: see README.md here.
export { TRANSPORT_OPTION_NAMES } from '../config.js';
export { checkOptionNames } from '../option-names.js';
export { describeChoice, describeReceived, kindOf } from '../describe-value.js';
export { parseJsonExact } from '../json-exact.js';
export { assertKeyPair } from '../crypto/keys.js';
export { flatSigningText, tokenSigningText } from '../envelope/signing-texts.js';
