// Turns whatever the user configured into a KeyObject, or explains precisely what is wrong with it. Keys come
// from dashboards, env vars and files in several encodings, and a wrong key otherwise surfaces much later as an
// opaque signature failure on the first call. Messages describe what was received (format, type, size, length)
// and never include any of the key text itself.

import { KeyObject, constants, createPrivateKey, createPublicKey, createSecretKey, sign, verify } from 'node:crypto';
import { kindOf } from '../describe-value.js';
import { ConfigurationError } from '../errors.js';
import { decodeStrictBase64, isStrictBase64 } from './base64.js';

/** PEM text, Base64 DER text, DER bytes, or an already-made KeyObject. */
export type RsaKeyInput = string | Uint8Array | KeyObject;

/** Base64 text, raw key bytes, or a secret KeyObject. */
export type AesKeyInput = string | Uint8Array | KeyObject;

const MIN_RSA_BITS = 2048;
const AES_KEY_BYTES = new Set([16, 24, 32]);

type KeyKind = 'private' | 'public';

interface KeyContext {
  option: string;
  wanted: KeyKind;
}

/** A key plus a description of how it arrived (e.g. "SPKI Base64 DER"), for messages. */
interface ParsedKey {
  key: KeyObject;
  received: string;
}

const EXPECTED: Record<KeyKind, string> = {
  private:
    'the RSA private key, as Base64 DER text (PKCS#8, the form CodePay exchanges keys in) or PEM (PKCS#1 or PKCS#8)',
  public: 'the RSA public key, as Base64 DER text (SPKI, the form CodePay exchanges keys in) or PEM (SPKI or PKCS#1)',
};

function fail(context: KeyContext, received: string, hint?: string, cause?: unknown): never {
  const message = `received ${received}; expected ${EXPECTED[context.wanted]}.${hint ? ` ${hint}` : ''}`;
  const { option } = context;
  throw new ConfigurationError(message, cause === undefined ? { option } : { option, cause });
}

// Private forms come first on purpose: createPublicKey with type 'pkcs1' also accepts a *private* PKCS#1 DER and
// derives its public key, which would hide a private key passed where a public one belongs.
const DER_FORMS = [
  { form: 'PKCS#8', load: (der: Buffer) => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) },
  { form: 'PKCS#1', load: (der: Buffer) => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }) },
  // SEC1 is never valid here; recognising it lets the message say "EC key" rather than "unreadable bytes".
  { form: 'SEC1', load: (der: Buffer) => createPrivateKey({ key: der, format: 'der', type: 'sec1' }) },
  { form: 'SPKI', load: (der: Buffer) => createPublicKey({ key: der, format: 'der', type: 'spki' }) },
  { form: 'PKCS#1', load: (der: Buffer) => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }) },
] as const;

const DER_FORM_NAMES = 'PKCS#8, PKCS#1 or SPKI';

function parseDer(der: Buffer, encoding: string): ParsedKey | undefined {
  for (const { form, load } of DER_FORMS) {
    try {
      return { key: load(der), received: `${form} ${encoding}` };
    } catch {
      // Not this form; try the next one.
    }
  }
  return undefined;
}

// Routing by label (instead of "try private, then public") keeps createPublicKey away from private PEMs, from
// which it would silently derive a public key.
const PEM_LABELS: Record<string, { form: string; kind: KeyKind }> = {
  'PRIVATE KEY': { form: 'PKCS#8', kind: 'private' },
  'RSA PRIVATE KEY': { form: 'PKCS#1', kind: 'private' },
  'EC PRIVATE KEY': { form: 'SEC1', kind: 'private' },
  'PUBLIC KEY': { form: 'SPKI', kind: 'public' },
  'RSA PUBLIC KEY': { form: 'PKCS#1', kind: 'public' },
};

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{1,40})-----/g;

function parsePem(pem: string, context: KeyContext): ParsedKey {
  const labels = Array.from(pem.matchAll(PEM_BEGIN), (match) => match[1] ?? '');
  if (labels.length === 0) fail(context, 'text with a malformed PEM header');
  if (labels.length > 1) {
    fail(context, `PEM text with ${labels.length} blocks (${labels.join(', ')})`, 'Pass exactly one key.');
  }
  const label = labels[0] ?? '';
  if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
    fail(
      context,
      'an encrypted (passphrase-protected) PEM private key',
      'Decrypt it once (e.g. `openssl pkey -in encrypted.pem -out key.pem`) and keep the result in your secret store.',
    );
  }
  if (label === 'CERTIFICATE') {
    const extractHint = 'Extract its key with `openssl x509 -in cert.pem -pubkey -noout`.';
    fail(context, 'an X.509 certificate (PEM)', context.wanted === 'public' ? extractHint : undefined);
  }
  const known = PEM_LABELS[label];
  if (!known) fail(context, `a PEM block labelled "${label}", which is not a key format the SDK reads`);
  try {
    const key = known.kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    return { key, received: `${known.form} PEM` };
  } catch (cause) {
    const received = `a ${known.form} PEM block that could not be parsed (truncated or corrupted)`;
    return fail(context, received, undefined, cause);
  }
}

const LOOKS_LIKE_FILE_PATH = /^(\.{0,2}\/|[A-Za-z]:\\)|\.(pem|key|der|b64|txt)$/i;

function parseText(text: string, context: KeyContext): ParsedKey {
  const trimmed = text.trim();
  if (trimmed === '') fail(context, 'an empty string');
  if (trimmed.includes('-----BEGIN')) {
    // PEM pasted into a .env file often arrives with literal "\n" sequences instead of line breaks.
    const pem = trimmed.includes('\n') ? trimmed : trimmed.replaceAll('\\n', '\n');
    return parsePem(pem, context);
  }
  const der = decodeStrictBase64(trimmed.replace(/\s+/g, ''));
  if (!der) {
    const hint = LOOKS_LIKE_FILE_PATH.test(trimmed)
      ? "It looks like a file path: pass the file's contents (e.g. readFileSync(path, 'utf8'))."
      : undefined;
    fail(context, `a ${trimmed.length}-character string that is neither PEM nor Base64 DER`, hint);
  }
  const notAKey = `a ${trimmed.length}-character Base64 string whose ${der.length} decoded bytes are not a ${DER_FORM_NAMES} key`;
  return parseDer(der, 'Base64 DER') ?? fail(context, notAKey);
}

const DER_SEQUENCE_TAG = 0x30;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseBytes(bytes: Uint8Array, context: KeyContext): ParsedKey {
  if (bytes.length === 0) fail(context, 'an empty byte array');
  // Every DER key starts with a SEQUENCE tag; anything else is most likely a key file read without an encoding.
  if (bytes[0] === DER_SEQUENCE_TAG) {
    const der = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const notAKey = `${bytes.length} bytes that are not a ${DER_FORM_NAMES} DER key`;
    return parseDer(der, 'DER bytes') ?? fail(context, notAKey);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail(context, `${bytes.length} bytes that are neither DER nor text`);
  }
  return parseText(text, context);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined (is the option set?)';
  if (value instanceof ArrayBuffer) return 'an ArrayBuffer (wrap it: new Uint8Array(buffer))';
  return kindOf(value);
}

function parseRsaKeyInput(input: unknown, context: KeyContext): ParsedKey {
  if (input instanceof KeyObject) return { key: input, received: 'KeyObject' };
  if (typeof input === 'string') return parseText(input, context);
  if (input instanceof Uint8Array) return parseBytes(input, context);
  return fail(context, describeValue(input), 'Pass a string, a Buffer/Uint8Array or a KeyObject.');
}

const KEY_TYPE_NAMES: Record<string, string> = {
  ec: 'EC',
  'rsa-pss': 'RSA-PSS',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  dsa: 'DSA',
  dh: 'DH',
};

function describeKeyType(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  const name = KEY_TYPE_NAMES[type] ?? type.toUpperCase();
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const article = /^(EC|RSA|Ed|X)/.test(name) ? 'an' : 'a';
  return `${article} ${name}${curve ? ` (${curve})` : ''}`;
}

function requireRsaKey({ key, received }: ParsedKey, context: KeyContext): KeyObject {
  if (key.type === 'secret') fail(context, 'a secret (symmetric) KeyObject');
  if (key.type !== context.wanted) {
    if (context.wanted === 'private') {
      fail(context, `a public key (${received})`, 'Check that the private and public key options are not swapped.');
    }
    fail(
      context,
      `a private key (${received})`,
      'The SDK does not derive a public key from a private one, because a private key here usually means two ' +
        "options were swapped or the wrong party's key was used: pass the public key from the same key pair.",
    );
  }
  if (key.asymmetricKeyType !== 'rsa') {
    fail(
      context,
      `${describeKeyType(key)} ${key.type} key (${received})`,
      'CodePay signs with SHA256withRSA (RSASSA-PKCS1-v1_5), which needs a plain RSA key.',
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    fail(
      context,
      `a ${bits}-bit RSA ${key.type} key (${received})`,
      `CodePay requires RSA keys of at least ${MIN_RSA_BITS} bits: generate a new key pair.`,
    );
  }
  return key;
}

/** An RSA private key (≥ 2048 bits) from PEM, Base64 DER, DER bytes or a KeyObject; format detected. */
export function loadPrivateKey(input: RsaKeyInput, option = 'privateKey'): KeyObject {
  const context: KeyContext = { option, wanted: 'private' };
  return requireRsaKey(parseRsaKeyInput(input, context), context);
}

/** An RSA public key (≥ 2048 bits); a private key is refused rather than used to derive one. */
export function loadPublicKey(input: RsaKeyInput, option = 'publicKey'): KeyObject {
  const context: KeyContext = { option, wanted: 'public' };
  return requireRsaKey(parseRsaKeyInput(input, context), context);
}

const EXPECTED_AES =
  'a 16-byte AES-128 key, as Base64 text (24 characters) like the one registered with CodePay; ' +
  '24- and 32-byte keys are also accepted.';

function failAes(option: string, received: string, hint?: string): never {
  throw new ConfigurationError(`received ${received}; expected ${EXPECTED_AES}${hint ? ` ${hint}` : ''}`, { option });
}

function aesKeyBytes(input: unknown, option: string): Buffer {
  if (typeof input === 'string') {
    const text = input.trim();
    // 32 hex digits is valid Base64 too (of 24 bytes): without this check a hex AES-128 key would load as AES-192.
    if (/^[0-9a-fA-F]+$/.test(text) && AES_KEY_BYTES.has(text.length / 2)) {
      failAes(option, `${text.length} hexadecimal digits`, "Convert it: Buffer.from(hex, 'hex').toString('base64').");
    }
    const bytes = decodeStrictBase64(text);
    if (!bytes) failAes(option, `a ${text.length}-character string that is not valid Base64`);
    if (!AES_KEY_BYTES.has(bytes.length)) failAes(option, `Base64 text that decodes to ${bytes.length} bytes`);
    return bytes;
  }
  if (input instanceof Uint8Array) {
    const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    // A key file read without an encoding yields the Base64 *text* as bytes; random key bytes essentially never
    // form valid Base64 (chance about 1 in 4 billion for 16 bytes).
    if (isStrictBase64(bytes.toString('latin1').trim())) {
      const hint = "Pass the text as a string (e.g. readFileSync(path, 'utf8')).";
      failAes(option, `${bytes.length} bytes that look like Base64 text`, hint);
    }
    if (!AES_KEY_BYTES.has(bytes.length)) failAes(option, `${bytes.length} bytes`);
    return bytes;
  }
  return failAes(option, describeValue(input), 'Pass a Base64 string, a Buffer/Uint8Array or a secret KeyObject.');
}

/**
 * The AES key as a secret KeyObject (not a Buffer): it works directly with createCipheriv, and logging or
 * serialising it shows only its type and size, never the key bytes.
 */
export function loadAesKey(input: AesKeyInput, option = 'aesKey'): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type !== 'secret') failAes(option, `a ${input.type} KeyObject`);
    const size = input.symmetricKeySize ?? 0;
    if (!AES_KEY_BYTES.has(size)) failAes(option, `a secret KeyObject of ${size} bytes`);
    return input;
  }
  return createSecretKey(aesKeyBytes(input, option));
}

const PAIR_CHECK_DATA = Buffer.from('CodePay key pair check', 'utf8');

/**
 * Throws a ConfigurationError (naming `option`) unless a signature made with `privateKey` verifies with
 * `publicKey`. Synchronous on purpose: it runs once, when a client is constructed.
 */
export function assertKeyPair(privateKey: KeyObject, publicKey: KeyObject, option = 'publicKey'): void {
  let paired: boolean;
  try {
    const signature = sign('sha256', PAIR_CHECK_DATA, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
    paired = verify('sha256', PAIR_CHECK_DATA, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch (cause) {
    throw new ConfigurationError(
      'the key pair could not be checked; load both keys with loadPrivateKey() and loadPublicKey() first.',
      { option, cause },
    );
  }
  if (!paired) {
    throw new ConfigurationError(
      'the private and public keys do not form a pair (a signature made with the private key does not verify ' +
        'with the public key). Check that both come from the same key pair and that merchant and platform keys ' +
        'are not mixed up.',
      { option },
    );
  }
}
