// A small gateway on 127.0.0.1 for the transport's own tests: real HTTP, real crypto, answers chosen per test.
// (The full mock gateway is @codepay/mock, which itself builds on this package; the transport is tested without it.)
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { aesDecrypt, aesEncrypt } from '../../src/crypto/aes.js';
import { signRsaSha256, verifyRsaSha256 } from '../../src/crypto/rsa.js';
import { gatewayErrorSigningText } from '../../src/envelope/gateway-error-body.js';
import { aesKey, merchantPublicKey, platformPrivateKey } from './test-keys.js';

export interface ReceivedCall {
  service: string;
  plaintext: string;
  params: Record<string, unknown>;
  authorization: string | undefined;
  headers: IncomingMessage['headers'];
}

export type Reply =
  | { payload: unknown; psn?: string }
  | { status: number; body: string; headers?: Record<string, string> }
  | { drop: true }
  | { delayMs: number; then: Reply };

export type Handler = (call: ReceivedCall, index: number) => Reply | Promise<Reply>;

export interface LoopbackGateway {
  url: string;
  calls: ReceivedCall[];
  /** Every token issued and every plaintext received: none may appear in a log line. */
  secretsSeen: string[];
  tokenRequests: number;
  tokenTtlSeconds: number;
  /** TCP connections open right now, and the most that were open at once. */
  readonly openConnections: number;
  readonly maxOpenConnections: number;
  /** Tokens the gateway refuses from now on (as if expired). */
  revoke(token: string): void;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** Tokens issued and plaintexts received by every gateway of this test file (checked by the setup file). */
export const allSecretsSeen: string[] = [];

let psnCounter = 0;
export const nextPsn = () => `PSN${Date.now()}${String(++psnCounter).padStart(6, '0')}`;

/** A success envelope exactly as the platform would send it. */
export async function successBody(payload: unknown, psn = nextPsn()): Promise<string> {
  const plaintext = JSON.stringify(payload);
  return JSON.stringify({
    statusCode: 0,
    psn,
    bizContent: aesEncrypt(plaintext, aesKey),
    sign: await signRsaSha256(plaintext, platformPrivateKey),
  });
}

export async function errorBody(code: string, msg: string, psn = nextPsn()): Promise<string> {
  return JSON.stringify({
    code,
    msg,
    psn,
    sign: await signRsaSha256(gatewayErrorSigningText({ code, msg, psn }), platformPrivateKey),
  });
}

export const ok = (data: unknown) => ({ payload: { status: 0, errorCode: null, errorMessage: null, data } });

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export async function startLoopbackGateway(
  options: { tokenTtlSeconds?: number; tls?: { key: string; cert: string } } = {},
): Promise<LoopbackGateway> {
  const tokens = new Map<string, number>();
  const revoked = new Set<string>();
  const connections = { open: 0, max: 0 };
  let handler: Handler = () => ok({ currency: 'USD', balance: '2024.12' });
  const gateway: LoopbackGateway = {
    url: '',
    calls: [],
    secretsSeen: [],
    tokenRequests: 0,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    get openConnections() {
      return connections.open;
    },
    get maxOpenConnections() {
      return connections.max;
    },
    revoke: (token) => revoked.add(token),
    handle: (next) => {
      handler = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  async function send(res: ServerResponse, reply: Reply): Promise<void> {
    if ('delayMs' in reply) {
      await new Promise((r) => setTimeout(r, reply.delayMs));
      return send(res, reply.then);
    }
    if ('drop' in reply) {
      res.socket?.destroy();
      return;
    }
    if ('payload' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(await successBody(reply.payload, reply.psn));
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body);
  }

  async function onToken(body: string, res: ServerResponse): Promise<void> {
    gateway.tokenRequests++;
    const { appId, timestamp, sign } = JSON.parse(body) as Record<string, string>;
    if (!(await verifyRsaSha256(`appId=${appId}&timestamp=${timestamp}`, sign ?? '', merchantPublicKey))) {
      return send(res, { status: 401, body: await errorBody('E01012', 'Token request signature does not verify') });
    }
    const token = `tok-${randomUUID()}`;
    tokens.set(token, Date.now() + gateway.tokenTtlSeconds * 1000);
    gateway.secretsSeen.push(token);
    allSecretsSeen.push(token);
    return send(res, {
      status: 200,
      body: JSON.stringify({
        statusCode: 0,
        psn: nextPsn(),
        data: { accessToken: token, expiresIn: gateway.tokenTtlSeconds },
      }),
    });
  }

  async function onPay(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const expiry = tokens.get(token);
    if (expiry === undefined || revoked.has(token) || expiry < Date.now()) {
      return send(res, {
        status: 401,
        body: await errorBody(expiry === undefined ? 'E01002' : 'E01003', 'Token rejected'),
      });
    }
    const envelope = JSON.parse(body) as { service: string; bizContent: string; sign: string };
    const plaintext = aesDecrypt(envelope.bizContent, aesKey);
    if (!(await verifyRsaSha256(plaintext, envelope.sign, merchantPublicKey))) {
      return send(res, { status: 400, body: await errorBody('E02001', 'Signature verification failed') });
    }
    gateway.secretsSeen.push(plaintext);
    allSecretsSeen.push(plaintext);
    const call: ReceivedCall = {
      service: envelope.service,
      plaintext,
      params: JSON.parse(plaintext),
      authorization: req.headers.authorization,
      headers: req.headers,
    };
    gateway.calls.push(call);
    return send(res, await handler(call, gateway.calls.length - 1));
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then((body) => (req.url === '/api/v2/token' ? onToken(body, res) : onPay(req, body, res)))
      .catch((error: unknown) => res.writeHead(500).end(String(error)));
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: import('node:net').Socket) => {
    connections.max = Math.max(connections.max, ++connections.open);
    socket.once('close', () => connections.open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gateway.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return gateway;
}

/**
 * A loopback gateway for the tests of one file: started before them, closed after them. The returned object
 * forwards to the running gateway, so it can be used directly in the tests' bodies.
 */
export function useLoopbackGateway(options: Parameters<typeof startLoopbackGateway>[0] = {}): LoopbackGateway {
  let current: LoopbackGateway | undefined;
  beforeAll(async () => {
    current = await startLoopbackGateway(options);
  });
  afterAll(() => current?.close());
  const running = () => {
    if (!current) throw new Error('the loopback gateway is used outside a test');
    return current;
  };
  return new Proxy({} as LoopbackGateway, {
    get: (_target, key) => Reflect.get(running(), key),
    set: (_target, key, value) => Reflect.set(running(), key, value),
  });
}
