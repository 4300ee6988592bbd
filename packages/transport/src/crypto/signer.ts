// Signing through a caller-supplied function (a KMS or HSM holding the merchant private key) instead of a local
// KeyObject. The signer sees exactly the UTF-8 bytes that are signed (and, for a request, encrypted); what it returns
// is checked before anything is sent: a thrown error or a result of the wrong size never reaches the gateway.
import { type KeyObject, constants, verify } from 'node:crypto';
import { AuthenticationError } from '../errors.js';
import { kindOf } from '../describe-value.js';
import { signRsaSha256 } from './rsa.js';

/**
 * Returns the SHA256withRSA (RSASSA-PKCS1-v1_5, SHA-256) signature of `plaintext` made with the merchant private
 * key: the raw signature bytes (256 for RSA-2048), not Base64.
 */
export type Signer = (plaintext: Uint8Array) => Promise<Uint8Array | Buffer>;

/** How the merchant signs: a local private key, or (when it is undefined) a signer. */
export interface SigningKeys {
  merchantPrivateKey: KeyObject | undefined;
  signer?: Signer | undefined;
  /** With `signer`: each signature is checked against this key before anything is sent. */
  merchantPublicKey?: KeyObject | undefined;
}

/** The Base64 signature of `plaintext`: with the local key (on the threadpool, as before), or by the signer. */
export function signPlaintext(plaintext: string, keys: SigningKeys): Promise<string> {
  return keys.merchantPrivateKey
    ? signRsaSha256(plaintext, keys.merchantPrivateKey)
    : signWithSigner(plaintext, keys.signer!, keys.merchantPublicKey);
}

/** RSA modulus sizes the SDK accepts (2048, 3072 and 4096 bits), in bytes: a signature is exactly that long. */
const SIGNATURE_BYTES = new Set([256, 384, 512]);

function signerFailure(message: string, cause?: unknown): AuthenticationError {
  return new AuthenticationError(
    `The signer option ${message}; nothing was sent.`,
    cause === undefined ? { outcomeUnknown: false } : { outcomeUnknown: false, cause },
  );
}

function verifyAsync(data: Buffer, publicKey: KeyObject, signature: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      verify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature, (error, valid) =>
        resolve(!error && valid),
      );
    } catch {
      resolve(false);
    }
  });
}

/**
 * Base64 signature of `plaintext` made by `signer`. Rejects with an AuthenticationError (`outcomeUnknown: false`)
 * when the signer throws or rejects, returns something that is not bytes of an RSA signature's size, or — when
 * `publicKey` (the `merchantPublicKey` option) is given — a signature that does not verify with it.
 */
export async function signWithSigner(
  plaintext: string,
  signer: Signer,
  publicKey: KeyObject | undefined,
): Promise<string> {
  const data = Buffer.from(plaintext, 'utf8');
  let result: unknown;
  try {
    result = await signer(data);
  } catch (cause) {
    throw signerFailure('failed (threw or rejected)', cause);
  }
  if (!(result instanceof Uint8Array)) {
    throw signerFailure(
      `returned ${kindOf(result)}; it must resolve to the signature bytes (a Buffer or Uint8Array, not Base64 text)`,
    );
  }
  const expected = publicKey ? Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8) : undefined;
  if (expected === undefined ? !SIGNATURE_BYTES.has(result.length) : result.length !== expected) {
    const wanted = expected === undefined ? '256 (RSA-2048), 384 or 512' : String(expected);
    throw signerFailure(`returned ${result.length} bytes; an RSA SHA256withRSA signature is ${wanted} bytes`);
  }
  if (publicKey && !(await verifyAsync(data, publicKey, result))) {
    throw signerFailure(
      'returned a signature that does not verify with merchantPublicKey (is the signer using the right key, with SHA-256 and PKCS#1 v1.5 padding?)',
    );
  }
  return Buffer.from(result.buffer, result.byteOffset, result.byteLength).toString('base64');
}
