// Auto-pagination against a gateway whose counters lie (issue 15, finding 11): it stops at `total` items and at
// `last_page`, never asks for a page number that is not exact (2^53 and beyond), and never asks for one page twice —
// so a gateway that miscounts can neither make it loop forever nor make it page through a million empty promises.
// The "gateway" is a loopback server answering sealed pages of its own making to what the SDK really asks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGatewayKeys, type MockGatewayKeys } from '@codepay/mock';
import { aesDecrypt, aesEncrypt, loadAesKey, loadPrivateKey, signRsaSha256 } from '@codepay/transport';
import { createCodePay, type CodePay } from '../src/index.js';

/** What the gateway answers for the page asked: the `data` JSON text (exact, so that it may hold integers beyond 2^53). */
type PageScript = (pageNo: number) => string;

const order = (n: number) =>
  JSON.stringify({
    order_sn: `PC-${n}`,
    platform_order_sn: `SS${n}`,
    currency: 'USD',
    amount: 10,
    payerID: 1,
    purposeOfTransaction: 'PAY_FOR_GOODS',
    description: 'x',
    status: 'Paid',
  });
const orders = (from: number, count: number) =>
  `[${Array.from({ length: count }, (_, i) => order(from + i)).join(',')}]`;

describe('auto-pagination trusts the counters only to stop', () => {
  let keys: MockGatewayKeys;
  let server: Server;
  let codepay: CodePay;
  let script: PageScript = () => '{}';
  const asked: number[] = [];

  beforeAll(async () => {
    keys = await generateGatewayKeys();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const { bizContent } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { bizContent: string };
        // The page number exactly as written on the wire (JSON.parse would round a big one the same way the SDK did).
        const pageNo = Number(/"pageNo":([0-9]+)/.exec(aesDecrypt(bizContent, loadAesKey(keys.aesKey)))?.[1] ?? 1);
        asked.push(pageNo);
        const plaintext = `{"status":0,"errorCode":null,"errorMessage":null,"data":${script(pageNo)}}`;
        const body = JSON.stringify({
          statusCode: 0,
          psn: `PSN-PAGE-${asked.length}`,
          bizContent: aesEncrypt(plaintext, loadAesKey(keys.aesKey)),
          sign: await signRsaSha256(plaintext, loadPrivateKey(keys.platformPrivateKey)),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { appId, merchantPrivateKey, platformPublicKey, aesKey } = keys;
    codepay = createCodePay({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      appId,
      merchantPrivateKey,
      platformPublicKey,
      aesKey,
      tokenProvider: async () => 'token',
      logLevel: 'silent',
    });
  });
  afterAll(async () => {
    await codepay.close();
    server.closeAllConnections();
    server.close();
  });

  /** Iterates every order, giving up (and failing) after `limit` pages: a loop that would not end. */
  async function iterate(params: Record<string, unknown>, limit = 50): Promise<{ items: number; pages: number[] }> {
    asked.length = 0;
    let items = 0;
    for await (const _ of codepay.orders.list({
      startTime: '2024-01-01 00:00:00',
      endTime: '2024-01-31 23:59:59',
      pageSize: 10,
      ...params,
    } as never)) {
      items++;
      if (asked.length > limit) break;
    }
    return { items, pages: [...asked] };
  }

  it('stops once `total` orders were seen, though last_page says a million', async () => {
    script = (pageNo) =>
      `{"total":25,"current_page":${pageNo},"per_page":10,"from":1,"to":10,"last_page":1000000,"orders":${orders(pageNo * 10, 10)}}`;
    const { pages } = await iterate({});
    expect(pages).toEqual([1, 2, 3]);
  });

  it('never asks for a page number beyond 2^53 (where n + 1 === n), though last_page is beyond it', async () => {
    script = (pageNo) =>
      `{"total":90071992547409930,"current_page":${pageNo},"per_page":10,"from":1,"to":10,"last_page":9007199254740993,"orders":${orders(1, 10)}}`;
    const { pages } = await iterate({ pageNo: Number.MAX_SAFE_INTEGER });
    expect(pages).toEqual([Number.MAX_SAFE_INTEGER]);
  });

  it('stops when the gateway answers another page than the one asked for', async () => {
    script = () =>
      `{"total":100,"current_page":1,"per_page":10,"from":1,"to":10,"last_page":10,"orders":${orders(1, 10)}}`;
    const { pages } = await iterate({ pageNo: 2 });
    expect(pages).toEqual([2]);
  });

  it('the control: honest counters are followed to the last page', async () => {
    script = (pageNo) =>
      `{"total":25,"current_page":${pageNo},"per_page":10,"from":1,"to":10,"last_page":3,"orders":${orders(pageNo * 10, pageNo === 3 ? 5 : 10)}}`;
    expect(await iterate({})).toEqual({ items: 25, pages: [1, 2, 3] });
  });
});
