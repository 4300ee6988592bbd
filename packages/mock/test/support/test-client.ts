// A deliberately small merchant-side client for the mock's tests (independent of the SDK, so the mock is tested on
// its own): gets a token, builds the envelope with the transport's crypto, posts over node:http, and opens the
// answer. It only does what a test asks, so tests can also send broken requests.

import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  aesDecrypt,
  aesEncrypt,
  formatUtcDateTime,
  loadAesKey,
  loadPrivateKey,
  loadPublicKey,
  signRsaSha256,
  verifyRsaSha256,
} from '@codepay/transport';
import { startMockGateway, type MockGateway, type MockGatewayOptions } from '../../src/index.js';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

export interface BusinessPayload {
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  data: unknown;
}

export interface PayAnswer extends RawAnswer {
  /** The decrypted bizContent text (only for a `{statusCode, psn, bizContent, sign}` answer that decrypts). */
  plaintext?: string;
  payload?: BusinessPayload;
  /** Whether `sign` verifies over the decrypted text with the platform public key. */
  signatureValid?: boolean;
  /** Set when the bizContent could not be decrypted. */
  decryptError?: Error;
}

export interface PayOptions {
  /** Bearer token; `null` sends no Authorization header; default: a fresh token from the mock. */
  token?: string | null;
  headers?: Record<string, string>;
  /** Replace the envelope's signature. */
  sign?: string;
  /** Encrypt with this key instead of the account's. */
  aesKey?: KeyObject;
  /** Send this text as the plaintext instead of JSON.stringify(params). */
  plaintext?: string;
}

export const utcTimestamp = (date = new Date()): string => formatUtcDateTime(date);

/** A signed gateway error body `{code, msg, psn, sign}` with the given HTTP status and code, its signature valid. */
export async function expectGatewayError(
  client: TestClient,
  answer: RawAnswer,
  httpStatus: number,
  code: string,
): Promise<void> {
  expect(answer.status).toBe(httpStatus);
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(answer.json).toEqual({
    code,
    msg: expect.any(String),
    psn: expect.stringMatching(/^PSN\d{20}$/),
    sign: expect.any(String),
  });
  expect(await client.verifyErrorBody(answer.json)).toBe(true);
}

/** The text the error body's `sign` covers, written independently of the mock's own helper. */
export function errorBodySigningText(body: Record<string, unknown>): string {
  return Object.keys(body)
    .filter((key) => key !== 'sign' && body[key] !== undefined && body[key] !== null && body[key] !== '')
    .sort()
    .map((key) => `${key}=${String(body[key])}`)
    .join('&');
}

export class TestClient {
  readonly merchantPrivateKey: KeyObject;
  readonly platformPublicKey: KeyObject;
  readonly aesKey: KeyObject;
  readonly agent: Agent;
  #token: string | undefined;

  constructor(
    readonly mock: Pick<MockGateway, 'url' | 'keys'>,
    options: { agent?: Agent } = {},
  ) {
    this.merchantPrivateKey = loadPrivateKey(mock.keys.merchantPrivateKey);
    this.platformPublicKey = loadPublicKey(mock.keys.platformPublicKey);
    this.aesKey = loadAesKey(mock.keys.aesKey);
    this.agent = options.agent ?? new Agent({ keepAlive: true, maxSockets: 4 });
  }

  post(path: string, body: string, headers: Record<string, string> = {}, method = 'POST'): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        new URL(path, this.mock.url),
        {
          method,
          agent: this.agent,
          headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: Record<string, unknown> | undefined;
            try {
              json = JSON.parse(text) as Record<string, unknown>;
            } catch {
              json = undefined;
            }
            resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(method === 'GET' || method === 'HEAD' ? undefined : body);
    });
  }

  async requestToken(
    overrides: { appId?: string; timestamp?: string; sign?: string; headers?: Record<string, string> } = {},
  ): Promise<RawAnswer> {
    const appId = overrides.appId ?? this.mock.keys.appId;
    const timestamp = overrides.timestamp ?? utcTimestamp();
    const sign =
      overrides.sign ?? (await signRsaSha256(`appId=${appId}&timestamp=${timestamp}`, this.merchantPrivateKey));
    return this.post('/api/v2/token', JSON.stringify({ appId, timestamp, sign }), overrides.headers);
  }

  /** A token, fetched once and reused. */
  async token(): Promise<string> {
    if (this.#token === undefined) {
      const answer = await this.requestToken();
      const data = answer.json?.data as { accessToken?: string } | undefined;
      if (answer.status !== 200 || typeof data?.accessToken !== 'string') throw new Error(`no token: ${answer.text}`);
      this.#token = data.accessToken;
    }
    return this.#token;
  }

  async envelope(service: string, params: unknown, options: PayOptions = {}): Promise<string> {
    const plaintext = options.plaintext ?? JSON.stringify(params);
    const bizContent = aesEncrypt(plaintext, options.aesKey ?? this.aesKey);
    const sign = options.sign ?? (await signRsaSha256(plaintext, this.merchantPrivateKey));
    return JSON.stringify({ service, bizContent, sign });
  }

  async pay(service: string, params: unknown, options: PayOptions = {}): Promise<PayAnswer> {
    const token = options.token === undefined ? await this.token() : options.token;
    const headers = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...options.headers };
    const answer = await this.post('/api/v2/pay', await this.envelope(service, params, options), headers);
    return this.open(answer);
  }

  /** Decrypts and verifies a `{statusCode, psn, bizContent, sign}` answer; other answers are returned as they are. */
  async open(answer: RawAnswer): Promise<PayAnswer> {
    const bizContent = answer.json?.bizContent;
    const sign = answer.json?.sign;
    if (typeof bizContent !== 'string' || typeof sign !== 'string') return answer;
    let plaintext: string;
    try {
      plaintext = aesDecrypt(bizContent, this.aesKey);
    } catch (error) {
      return { ...answer, decryptError: error as Error };
    }
    const signatureValid = await verifyRsaSha256(plaintext, sign, this.platformPublicKey);
    try {
      return { ...answer, plaintext, payload: JSON.parse(plaintext) as BusinessPayload, signatureValid };
    } catch {
      // Only a tampered answer gets here (e.g. a wrong key that happened to leave valid padding).
      return { ...answer, plaintext, signatureValid };
    }
  }

  /** Whether an error body's `sign` verifies with the platform public key over the sorted `k=v` text. */
  verifyErrorBody(body: Record<string, unknown> | undefined): Promise<boolean> {
    if (!body || typeof body.sign !== 'string') return Promise.resolve(false);
    return verifyRsaSha256(errorBodySigningText(body), body.sign, this.platformPublicKey);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A mock gateway and a TestClient for it, started before a file's (or a describe block's) tests and closed after. */
export function useGatewayAndClient(options: MockGatewayOptions = {}): {
  readonly mock: MockGateway;
  client: TestClient;
} {
  const holder = {} as { mock: MockGateway; client: TestClient };
  beforeAll(async () => {
    holder.mock = await startMockGateway(options);
    holder.client = new TestClient(holder.mock);
  });
  afterAll(async () => {
    holder.client?.close();
    await holder.mock?.close();
  });
  return holder;
}
