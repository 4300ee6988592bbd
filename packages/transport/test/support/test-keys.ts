// The OpenSSL-made test keys from the repository's test-vectors/, loaded once for the integration tests.
import { keyTexts, aesKeyBase64 } from '../crypto/vectors.js';
import { loadAesKey, loadPrivateKey, loadPublicKey } from '../../src/crypto/keys.js';

export const merchantKeys = keyTexts('merchant');
export const platformKeys = keyTexts('platform');
export const aesKeyText = aesKeyBase64;

export const merchantPrivateKey = loadPrivateKey(merchantKeys.privatePkcs8Base64Der);
export const merchantPublicKey = loadPublicKey(merchantKeys.publicSpkiBase64Der);
export const platformPrivateKey = loadPrivateKey(platformKeys.privatePkcs8Base64Der);
export const platformPublicKey = loadPublicKey(platformKeys.publicSpkiBase64Der);
export const aesKey = loadAesKey(aesKeyBase64);

/** Every secret a log line or error message must never contain. */
export const keySecrets: string[] = [...Object.values(merchantKeys), ...Object.values(platformKeys), aesKeyBase64];
