// Keys, payloads and precomputed wire bodies shared by every benchmark family. Everything a replay server sends is
// computed here once, so the servers do no crypto at all and the client is what gets measured.
//
// CodePay: a createOrder request and a createOrder result, sealed as the API documents (AES-128-ECB over the
// plaintext JSON, SHA256withRSA over the same bytes). Alipay (the peer): the same result fields in Alipay's own
// encrypted format, `{ "<method>_response": "<AES-CBC Base64>", "sign": "..." }`, signed over the exact text that
// alipay-sdk extracts for verification (see alipayResponseBody).
import {
  createCipheriv,
  createPrivateKey,
  createSecretKey,
  generateKeyPair,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';

const generateRsa = promisify(generateKeyPair);

export const APP_ID = 'bench-app';
export const ACCESS_TOKEN = 'bench-access-token-0123456789abcdef';

/** The createOrder request (the SDK README's example, with the optional skip3ds). */
export const createOrderParams = {
  order_sn: 'ABC123456789',
  currency: 'USD',
  amount: 99.99,
  payerID: 157774,
  purposeOfTransaction: 'CLOTHES_BAGS_SHOES',
  description: 'Goods Payment',
  skip3ds: 'True',
  domain: 'www.example.com',
  product: 'Apple iPhone 14||Apple iPad Air',
} as const;

/** The createOrder result `data` (the spec's example). */
export const createOrderResult = {
  order_sn: 'ABC123456789',
  platform_order_sn: 'SS20240101121210000001',
  linkID: '8E4B2A1C-7F3D-4C5E-9A6B-1D2E3F4A5B6C',
  linkExpiry: '2024-01-02 12:12:10',
  status: 'New',
  paymentUrl: 'https://pay.example.com/link/8E4B2A1C-7F3D-4C5E-9A6B-1D2E3F4A5B6C',
} as const;

export interface BenchKeys {
  /** Base64 DER, as the CodePay dashboard exchanges keys. */
  merchantPrivateKey: string;
  merchantPublicKey: string;
  platformPrivateKey: string;
  platformPublicKey: string;
  /** Base64 of 16 bytes. */
  aesKey: string;
  merchantPrivate: KeyObject;
  platformPrivate: KeyObject;
  aes: KeyObject;
}

async function rsaPair(): Promise<{ privateKey: string; publicKey: string }> {
  const { privateKey, publicKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });
  return { privateKey: privateKey.toString('base64'), publicKey: publicKey.toString('base64') };
}

/** Two fresh RSA-2048 pairs (merchant, platform) and an AES-128 key. The peer is configured with the same ones. */
export async function generateBenchKeys(): Promise<BenchKeys> {
  const [merchant, platform] = await Promise.all([rsaPair(), rsaPair()]);
  const aesBytes = randomBytes(16);
  const privateDer = (b64: string) =>
    createPrivateKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'pkcs8' });
  return {
    merchantPrivateKey: merchant.privateKey,
    merchantPublicKey: merchant.publicKey,
    platformPrivateKey: platform.privateKey,
    platformPublicKey: platform.publicKey,
    aesKey: aesBytes.toString('base64'),
    merchantPrivate: privateDer(merchant.privateKey),
    platformPrivate: privateDer(platform.privateKey),
    aes: createSecretKey(aesBytes),
  };
}

function aesEcbBase64(plaintext: string, key: KeyObject): string {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

function rsaSha256Base64(text: string, key: KeyObject): string {
  return sign('sha256', Buffer.from(text, 'utf8'), key).toString('base64');
}

export interface CodePayWire {
  /** The plaintext JSON the SDK signs and encrypts for the request. */
  requestPlaintext: string;
  /** A complete `/api/v2/pay` request body `{service, bizContent, sign}` (what the HTTP floor posts). */
  requestBody: string;
  /** The decrypted business payload `{status, errorCode, errorMessage, data}` of the answer. */
  responsePlaintext: string;
  /** The `/api/v2/pay` answer `{statusCode, psn, bizContent, sign}`. */
  responseBody: string;
  /** The `/api/v2/token` answer. */
  tokenBody: string;
}

export function codePayWire(keys: BenchKeys): CodePayWire {
  const requestPlaintext = JSON.stringify(createOrderParams);
  const requestBody = JSON.stringify({
    service: 'createOrder',
    bizContent: aesEcbBase64(requestPlaintext, keys.aes),
    sign: rsaSha256Base64(requestPlaintext, keys.merchantPrivate),
  });
  const responsePlaintext = JSON.stringify({ status: 0, errorCode: null, errorMessage: null, data: createOrderResult });
  const responseBody = JSON.stringify({
    statusCode: 0,
    psn: 'PSN20240101121210000001',
    bizContent: aesEcbBase64(responsePlaintext, keys.aes),
    sign: rsaSha256Base64(responsePlaintext, keys.platformPrivate),
  });
  const tokenBody = JSON.stringify({
    statusCode: 0,
    psn: 'PSN20240101121210000000',
    data: { accessToken: ACCESS_TOKEN, expiresIn: 7200 },
  });
  return { requestPlaintext, requestBody, responsePlaintext, responseBody, tokenBody };
}

/** Options for `createCodePay` (everything but baseUrl). */
export function codePayClientKeys(keys: BenchKeys) {
  return {
    appId: APP_ID,
    merchantPrivateKey: keys.merchantPrivateKey,
    platformPublicKey: keys.platformPublicKey,
    aesKey: keys.aesKey,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The peer: alipay-sdk v4, OpenAPI v2 `exec()` with AES content encryption and RSA2 response verification.

export const ALIPAY_METHOD = 'alipay.trade.create';
export const ALIPAY_RESPONSE_KEY = `${ALIPAY_METHOD.replaceAll('.', '_')}_response`;

/** The AlipaySdk constructor options: RSA2, PKCS#8 app key, Alipay public key, AES `encryptKey`. */
export function alipayConfig(keys: BenchKeys, gateway: string) {
  return {
    appId: '2021000000000000',
    privateKey: keys.merchantPrivateKey,
    keyType: 'PKCS8' as const,
    alipayPublicKey: keys.platformPublicKey,
    encryptKey: keys.aesKey,
    signType: 'RSA2' as const,
    gateway,
  };
}

/** The decrypted Alipay answer: the same result fields as CodePay's, with Alipay's `code`/`msg` envelope. */
export const alipayResponsePlaintext = JSON.stringify({ code: '10000', msg: 'Success', ...createOrderResult });

/** AES-128-CBC with a zero IV and PKCS#7, Base64: what crypto-js does in alipay-sdk's aesEncryptText/aesDecryptText. */
function alipayAes(plaintext: string, key: KeyObject): string {
  const cipher = createCipheriv('aes-128-cbc', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** The subset of AlipaySdk the fixture needs: its own sign-string extraction and response check. */
export interface AlipaySignStr {
  getSignStr(originStr: string, responseKey: string): string;
  checkResponseSign(raw: string, responseKey: string, serverSign: string, traceId: string): void;
}

/**
 * A response body that alipay-sdk 4.x's `exec(..., { validateSign: true })` accepts, with `needEncrypt`.
 *
 * alipay-sdk verifies the signature over `getSignStr(body, responseKey)`. For an encrypted (string) response laid
 * out as Alipay does, `{"<key>":"<enc>","sign":"<sig>"}`, that function cuts at an offset measured in the wrong
 * string and keeps part of the signature itself (alipay/alipay-sdk-nodejs-all#82), so no server could ever sign it.
 * We therefore put `sign` first and pad with JSON whitespace so the extracted text is exactly `:"<enc>"`: the
 * signature then covers the whole encrypted content, and the client's verify does the same RSA + SHA-256 work a
 * correct extraction would. The padding adds (encrypted length + 2) bytes of whitespace to the body.
 */
export function alipayResponseBody(keys: BenchKeys, sdk: AlipaySignStr): { body: string; signedText: string } {
  const encrypted = alipayAes(alipayResponsePlaintext, keys.aes);
  const layout = (signature: string) =>
    `{${' '.repeat(encrypted.length + 2)}"sign":"${signature}","${ALIPAY_RESPONSE_KEY}":"${encrypted}"}`;
  const placeholder = 'A'.repeat(344); // a 2048-bit signature is 344 Base64 characters
  const signedText = sdk.getSignStr(layout(placeholder), ALIPAY_RESPONSE_KEY);
  if (signedText !== `:"${encrypted}"`)
    throw new Error(`alipay fixture: unexpected sign text ${JSON.stringify(signedText.slice(0, 40))}…`);
  const signature = rsaSha256Base64(signedText, keys.platformPrivate);
  const body = layout(signature);
  sdk.checkResponseSign(body, ALIPAY_RESPONSE_KEY, signature, 'fixture'); // throws if the peer would refuse it
  return { body, signedText };
}
