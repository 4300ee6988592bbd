// CPU cost per call of the transport's envelope work beside the bare node:crypto primitives on the same payload.
//
// Transport: a real `createEnvelopeClient` whose `fetch` answers in-process with a precomputed, valid, signed and
// encrypted response — so a call is exactly validate → serialize → encrypt + sign → (no network) → decrypt + verify
// → parse → status, plus the client's own bookkeeping. Floor: the same work written directly against node:crypto
// (JSON.stringify, AES-ECB encrypt, async RSA sign, AES-ECB decrypt, async RSA verify, JSON.parse). Both run one
// call at a time; CPU time is the process's user+system time (threadpool included) divided by calls.
// A benchmark, not a test: it prints a table and never fails. Target: ratio at most 1.10.
import { createCipheriv, createDecipheriv, generateKeyPairSync, randomBytes, sign as rsaSign, verify as rsaVerify, type KeyObject } from 'node:crypto';
import os from 'node:os';
import { createEnvelopeClient, aesEncrypt, signRsaSha256, silentLogger } from '@codepay/transport';
import { createOrderParams, createOrderResult } from './lib/fixtures.js';

const CALLS_PER_SAMPLE = 400;
const SAMPLES = 9;

const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const aesKeyBytes = randomBytes(16);
const aesKeyBase64 = aesKeyBytes.toString('base64');

const params = createOrderParams;
const payload = { status: 0, errorCode: null, errorMessage: null, data: createOrderResult };
const responsePlaintext = JSON.stringify(payload);
const { createSecretKey } = await import('node:crypto');
const aesKey = createSecretKey(aesKeyBytes);
const responseBody = JSON.stringify({
  statusCode: 0,
  psn: 'PSN-BENCH',
  bizContent: aesEncrypt(responsePlaintext, aesKey),
  sign: await signRsaSha256(responsePlaintext, platform.privateKey),
});

const answerBytes = Buffer.from(responseBody, 'utf8');
function inMemoryAnswer(): Response {
  let read = false;
  const reader = { read: async () => (read ? { done: true } : ((read = true), { done: false, value: answerBytes })), cancel: async () => {} };
  return { status: 200, headers: { get: () => null }, body: { getReader: () => reader, cancel: async () => {} } } as unknown as Response;
}

const client = createEnvelopeClient({
  baseUrl: 'http://127.0.0.1:9',
  appId: 'bench',
  merchantPrivateKey: merchant.privateKey,
  platformPublicKey: platform.publicKey,
  aesKey: aesKeyBase64,
  logger: silentLogger,
  tokenProvider: async () => 'bench-token',
  // The least an answer can be: a status, no headers, and the precomputed body in one chunk. A real `Response`
  // would add undici's stream machinery, which is HTTP's cost, not the envelope's.
  fetch: async () => inMemoryAnswer(),
});

const signAsync = (data: Buffer, key: KeyObject) =>
  new Promise<Buffer>((resolve, reject) => rsaSign('sha256', data, key, (e, s) => (e ? reject(e) : resolve(s))));
const verifyAsync = (data: Buffer, key: KeyObject, signature: Buffer) =>
  new Promise<boolean>((resolve, reject) => rsaVerify('sha256', data, key, signature, (e, ok) => (e ? reject(e) : resolve(ok))));

async function bareEnvelope(): Promise<void> {
  const text = JSON.stringify(params);
  const bytes = Buffer.from(text, 'utf8');
  const cipher = createCipheriv('aes-128-ecb', aesKeyBytes, null);
  const bizContent = Buffer.concat([cipher.update(bytes), cipher.final()]).toString('base64');
  const signature = (await signAsync(bytes, merchant.privateKey)).toString('base64');
  void bizContent;
  void signature;
  const answer = JSON.parse(responseBody) as { bizContent: string; sign: string };
  const decipher = createDecipheriv('aes-128-ecb', aesKeyBytes, null);
  const plain = Buffer.concat([decipher.update(Buffer.from(answer.bizContent, 'base64')), decipher.final()]);
  if (!(await verifyAsync(plain, platform.publicKey, Buffer.from(answer.sign, 'base64')))) throw new Error('verify failed');
  JSON.parse(plain.toString('utf8'));
}

async function transportEnvelope(): Promise<void> {
  await client.call('createOrder', params);
}

async function cpuMicrosPerCall(fn: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS_PER_SAMPLE; i++) await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS_PER_SAMPLE;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

for (let i = 0; i < 200; i++) {
  await bareEnvelope();
  await transportEnvelope();
}
const bare: number[] = [];
const transport: number[] = [];
for (let s = 0; s < SAMPLES; s++) {
  // Interleaved so a busy neighbour slows both alike.
  bare.push(await cpuMicrosPerCall(bareEnvelope));
  transport.push(await cpuMicrosPerCall(transportEnvelope));
}
const floor = median(bare);
const ours = median(transport);
console.log(`envelope: median CPU µs per call, createOrder payload (${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, node ${process.version})`);
console.log('| what | CPU µs per call | ratio to floor | target |');
console.log('| --- | ---: | ---: | --- |');
console.log(`| bare node:crypto (serialize, encrypt, sign, decrypt, verify, parse) | ${floor.toFixed(0)} | 1.00 | floor |`);
console.log(`| @codepay/transport envelope (validate … status), no network | ${ours.toFixed(0)} | ${(ours / floor).toFixed(2)} | ≤ 1.10 ${ours / floor <= 1.1 ? 'met' : 'MISSED'} |`);
