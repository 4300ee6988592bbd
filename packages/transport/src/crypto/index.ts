// Public crypto API of the envelope: key loading, AES for bizContent, SHA256withRSA for sign.
export { loadPrivateKey, loadPublicKey, loadAesKey } from './keys.js';
export type { RsaKeyInput, AesKeyInput } from './keys.js';
export { aesEncrypt, aesDecrypt } from './aes.js';
export { signRsaSha256, verifyRsaSha256 } from './rsa.js';
export type { Signer } from './signer.js';
