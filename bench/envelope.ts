// CPU cost per call of the transport's envelope work beside the bare node:crypto primitives on the same payload.
//
// Envelope work (the target row): `client.call('createOrder', …)` on a real envelope client whose HTTP exchange is
// served from memory, at the seam both built-in HTTP clients (node:http, fetch) implement. A call is exactly what
// the pipeline does — validate → reject supplementary-plane text → serialize → token (the built-in token manager,
// cached after the first call) → retry bookkeeping → encrypt + sign → [exchange: a precomputed, valid, signed and
// encrypted answer] → decrypt + verify → parse → status — with no HTTP at all. A second row makes the same call
// through the public `fetch` option with a fetch that answers from memory: it adds the fetch adapter (an
// AbortController and a timer per attempt, reading a body stream), which is HTTP's cost (bench/throughput.ts
// measures HTTP against its own floor), shown here so nothing is hidden.
//
// Floor: the same work written directly against node:crypto (JSON.stringify, AES-ECB encrypt, async RSA sign, AES-ECB
// decrypt, async RSA verify, JSON.parse). Every subject runs one call at a time; CPU time is the process's
// user+system time (threadpool included) divided by calls. Each is warmed up for a few seconds first (JIT, token),
// and samples of the subjects are interleaved so a busy neighbour slows them alike; the median sample is reported.
// A benchmark, not a test: it prints a table and never fails. Target: envelope work at most 1.10 × the floor.
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  sign as rsaSign,
  verify as rsaVerify,
  type KeyObject,
} from 'node:crypto';
import os from 'node:os';
import {
  aesEncrypt,
  createEnvelopeClient,
  signRsaSha256,
  silentLogger,
  type TransportOptions,
} from '@codepay/transport';
// Internal seam of the transport (not exported by the package): a client over a given HTTP exchange.
import { createEnvelopeClientOver } from '../packages/transport/src/envelope-client.js';
import type { HttpClient, HttpExchange, RawAnswer } from '../packages/transport/src/http/http-client.js';
import { createOrderParams, createOrderResult } from './lib/fixtures.js';

const CALLS_PER_SAMPLE = 600;
const SAMPLES = 15;
const WARMUP_MS = 3_000;

const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const aesKeyBytes = randomBytes(16);
const aesKey = createSecretKey(aesKeyBytes);

const params = createOrderParams;
const responsePlaintext = JSON.stringify({ status: 0, errorCode: null, errorMessage: null, data: createOrderResult });
const responseBody = JSON.stringify({
  statusCode: 0,
  psn: 'PSN-BENCH',
  bizContent: aesEncrypt(responsePlaintext, aesKey),
  sign: await signRsaSha256(responsePlaintext, platform.privateKey),
});
const tokenBody = JSON.stringify({
  statusCode: 0,
  psn: 'PSN-TOKEN',
  data: { accessToken: 'bench-token', expiresIn: 7200 },
});

// The gateway's two answers as bytes, prepared once: the token (asked for once, then cached) and the createOrder answer.
const answerFor = (url: string): Uint8Array =>
  Buffer.from(url.endsWith('/api/v2/token') ? tokenBody : responseBody, 'utf8');
const tokenAnswer = answerFor('/api/v2/token');
const payAnswer = answerFor('/api/v2/pay');
const noHeaders = { get: () => null };

const inMemoryExchange: HttpClient = {
  exchange: async (request: HttpExchange): Promise<RawAnswer> => ({
    status: 200,
    headers: noHeaders,
    body: request.url.endsWith('/api/v2/token') ? tokenAnswer : payAnswer,
  }),
};

/** The least a `fetch` answer can be: a status, no headers, and the body in one chunk of a stream. */
function inMemoryResponse(url: string): Response {
  const bytes = url.endsWith('/api/v2/token') ? tokenAnswer : payAnswer;
  let read = false;
  const reader = {
    read: async () => {
      if (read) return { done: true };
      read = true;
      return { done: false, value: bytes };
    },
    cancel: async () => {},
  };
  return {
    status: 200,
    headers: noHeaders,
    body: { getReader: () => reader, cancel: async () => {} },
  } as unknown as Response;
}

const options: TransportOptions = {
  baseUrl: 'http://127.0.0.1:9',
  appId: 'bench',
  merchantPrivateKey: merchant.privateKey,
  platformPublicKey: platform.publicKey,
  aesKey: aesKeyBytes.toString('base64'),
  logger: silentLogger,
};
const overExchange = createEnvelopeClientOver(options, inMemoryExchange);
const overFetch = createEnvelopeClient({ ...options, fetch: async (input) => inMemoryResponse(String(input)) });

const signAsync = (data: Buffer, key: KeyObject) =>
  new Promise<Buffer>((resolve, reject) => rsaSign('sha256', data, key, (e, s) => (e ? reject(e) : resolve(s))));
const verifyAsync = (data: Buffer, key: KeyObject, signature: Buffer) =>
  new Promise<boolean>((resolve, reject) =>
    rsaVerify('sha256', data, key, signature, (e, ok) => (e ? reject(e) : resolve(ok))),
  );

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
  if (!(await verifyAsync(plain, platform.publicKey, Buffer.from(answer.sign, 'base64'))))
    throw new Error('verify failed');
  JSON.parse(plain.toString('utf8'));
}

const subjects = {
  floor: bareEnvelope,
  envelope: async () => void (await overExchange.call('createOrder', params)),
  fetch: async () => void (await overFetch.call('createOrder', params)),
};

async function cpuMicrosPerCall(fn: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS_PER_SAMPLE; i++) await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS_PER_SAMPLE;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

for (const fn of Object.values(subjects)) {
  for (const end = Date.now() + WARMUP_MS; Date.now() < end; ) await fn();
}
const samples: Record<keyof typeof subjects, number[]> = { floor: [], envelope: [], fetch: [] };
for (let s = 0; s < SAMPLES; s++) {
  for (const [name, fn] of Object.entries(subjects) as Array<[keyof typeof subjects, () => Promise<void>]>)
    samples[name].push(await cpuMicrosPerCall(fn));
}
const floor = median(samples.floor);
const row = (label: string, micros: number, target: string) =>
  `| ${label} | ${micros.toFixed(0)} | ${(micros / floor).toFixed(2)} | ${target} |`;
const envelope = median(samples.envelope);
console.log(
  `envelope: median CPU µs per call of ${SAMPLES} interleaved samples × ${CALLS_PER_SAMPLE} calls, createOrder payload, after ${WARMUP_MS / 1000} s warm-up each ` +
    `(${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, node ${process.version})`,
);
console.log('| what | CPU µs per call | ratio to floor | target |');
console.log('| --- | ---: | ---: | --- |');
console.log(row('bare node:crypto (serialize, encrypt, sign, decrypt, verify, parse)', floor, 'floor'));
console.log(
  row(
    '@codepay/transport envelope work: client.call() over an in-memory exchange (validate … status, token cached), no HTTP',
    envelope,
    `≤ 1.10 ${envelope / floor <= 1.1 ? 'met' : 'MISSED'}`,
  ),
);
console.log(
  row(
    '  for comparison: the same call through the `fetch` option, fetch answering from memory (adds the fetch adapter)',
    median(samples.fetch),
    '—',
  ),
);
