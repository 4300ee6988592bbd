// The notification handler under abuse (issue 15, finding 9 and the deep-JSON part of finding 6): a body already
// read by a framework is held to the same cap as one read from the stream, a sender that never stops is cut off, a
// megabyte of nested JSON is refused without being parsed, the 400 answer never says which check failed, and every
// failure — a refusal or a listener that throws — reaches the `onError` hook.
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aesEncrypt, loadAesKey, loadPrivateKey, signRsaSha256 } from '@codepay/transport';
import { ResponseFormatError, type NotificationErrorStage, type NotificationRequest } from '../src/index.js';
import { useMockClient } from './support/mock-client.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
}

async function post(url: string, body: string): Promise<{ status: number; body: { code: number; msg?: string } }> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: response.status, body: (await response.json()) as { code: number; msg?: string } };
}

interface Reported {
  error: unknown;
  stage: NotificationErrorStage;
}

describe('the notification handler under abuse', () => {
  const env = useMockClient();
  const reported: Reported[] = [];
  const delivered: unknown[] = [];
  let failListener = false;
  let server: Server;
  let url: string;
  // As `express.json({ limit: '1gb' })` leaves it: the body parsed, on req.body.
  let parsedServer: Server;
  let parsedBody: unknown;

  beforeAll(async () => {
    const handler = env.codepay.notifications.handler(
      (event) => {
        if (failListener) throw new Error('the order table is locked');
        delivered.push(event);
      },
      { onError: (error, { stage }) => void reported.push({ error, stage }) },
    );
    server = createServer(handler);
    url = await listen(server);
    parsedServer = createServer((req, res) => {
      req.resume();
      req.on('end', () => void handler(Object.assign(req, { body: parsedBody }) as NotificationRequest, res));
    });
    await listen(parsedServer);
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
    parsedServer.closeAllConnections();
    parsedServer.close();
  });

  async function sealed(content: unknown): Promise<{ noticeType: string; bizContent: string; sign: string }> {
    const plaintext = JSON.stringify(content);
    return {
      noticeType: 'PaymentOrderStatus',
      bizContent: aesEncrypt(plaintext, loadAesKey(env.mock.keys.aesKey)),
      sign: await signRsaSha256(plaintext, loadPrivateKey(env.mock.keys.platformPrivateKey)),
    };
  }

  it('a body a framework already parsed is held to the 1 MiB cap before any decryption', async () => {
    const genuine = await sealed({ PaymentOrderStatus: { order_sn: 'L-1', platform_order_sn: 'SS1', status: 'Paid' } });
    const huge = {
      ...genuine,
      bizContent: genuine.bizContent.repeat(Math.ceil((64 * 1024 * 1024) / genuine.bizContent.length)),
    };
    const started = performance.now();
    const error = await env.codepay.notifications.verifyAndDecrypt(huge).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as Error).message).toMatch(/larger than 1048576 bytes/);
    expect(performance.now() - started).toBeLessThan(50);

    reported.length = 0;
    parsedBody = huge;
    const answer = await post(`http://127.0.0.1:${(parsedServer.address() as AddressInfo).port}/notify`, '{}');
    expect(answer).toEqual({ status: 400, body: { code: 400, msg: 'notification refused' } });
    expect(reported).toHaveLength(1);
    expect((reported[0]!.error as Error).message).toMatch(/larger than/);
  });

  it('a sender that never stops is cut off after a few megabytes, not read forever', async () => {
    const { port } = server.address() as AddressInfo;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const outcome = await new Promise<{ written: number; status: number | 'closed' }>((resolve) => {
      let written = 0;
      let done = false;
      const finish = (status: number | 'closed') => {
        if (done) return;
        done = true;
        resolve({ written, status });
        request.destroy();
      };
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/notify',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (response) => {
          response.resume();
          finish(response.statusCode ?? 0);
        },
      );
      request.on('error', () => finish('closed'));
      const pump = () => {
        // The test's own limit: 256 MiB without an answer is a handler reading forever.
        while (!done && written < 256 * 1024 * 1024) {
          written += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        if (!done) finish('closed');
      };
      pump();
    });
    expect(outcome.written).toBeLessThan(32 * 1024 * 1024);
  });

  // Refused by the linear depth scan, before JSON.parse ever sees it (parsed, it would be "not a JSON object"). How
  // long eight of them hold the event loop is measured in bench/ (`pnpm --filter @codepay/bench run
  // bench:notification-limits`), not timed here.
  it('eight 1 MiB bodies of nested JSON are refused unparsed', async () => {
    const half = 512 * 1024 - 8;
    const nested = '['.repeat(half) + ']'.repeat(half);
    reported.length = 0;
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(url, nested)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(400));
    expect(reported).toHaveLength(8);
    for (const { error, stage } of reported) {
      expect(stage).toBe('verify');
      expect(error).toBeInstanceOf(ResponseFormatError);
      expect((error as Error).message).toMatch(/nested deeper than 64 levels \(refused unparsed\)/);
    }
  });

  it('the 400 answer is the same whichever check failed; the detail goes to onError', async () => {
    const genuine = await sealed({ PaymentOrderStatus: { order_sn: 'L-2', platform_order_sn: 'SS2', status: 'Paid' } });
    const bodies = {
      base64: { ...genuine, bizContent: '!!!not base64!!!' },
      padding: { ...genuine, bizContent: Buffer.alloc(16, 7).toString('base64') },
      signature: { ...genuine, sign: Buffer.alloc(256, 1).toString('base64') },
      json: 'not json',
    };
    reported.length = 0;
    const answers = await Promise.all(
      Object.values(bodies).map((body) => post(url, typeof body === 'string' ? body : JSON.stringify(body))),
    );
    for (const answer of answers)
      expect(answer).toEqual({ status: 400, body: { code: 400, msg: 'notification refused' } });
    expect(reported.map((r) => r.stage)).toEqual(['verify', 'verify', 'verify', 'verify']);
    expect(reported.map((r) => (r.error as Error).name).sort()).toEqual([
      'DecryptionError',
      'DecryptionError',
      'ResponseFormatError',
      'SignatureVerificationError',
    ]);
  });

  it('a listener that throws: answered 500, and onError gets the error itself', async () => {
    reported.length = 0;
    failListener = true;
    try {
      const answer = await post(
        url,
        JSON.stringify(
          await sealed({ PaymentOrderStatus: { order_sn: 'L-3', platform_order_sn: 'SS3', status: 'Paid' } }),
        ),
      );
      expect(answer).toEqual({ status: 500, body: { code: 500, msg: 'listener failed' } });
    } finally {
      failListener = false;
    }
    expect(reported).toHaveLength(1);
    expect(reported[0]!.stage).toBe('listener');
    expect((reported[0]!.error as Error).message).toBe('the order table is locked');
  });

  it('a genuine notification still goes through (the control)', async () => {
    const before = delivered.length;
    const answer = await post(
      url,
      JSON.stringify(
        await sealed({ PaymentOrderStatus: { order_sn: 'L-4', platform_order_sn: 'SS4', status: 'Paid' } }),
      ),
    );
    expect(answer).toEqual({ status: 200, body: { code: 0 } });
    expect(delivered.length).toBe(before + 1);
  });
});
