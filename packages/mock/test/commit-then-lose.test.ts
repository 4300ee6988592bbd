// The commit-then-lose scenarios: the request is handled and its change stored exactly as without the scenario,
// then the answer is lost (dropped, replaced by a proxy's page or an unsigned 503, or cut in half). Each test proves
// both halves: what the client received, and that the change happened anyway.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startMockGateway, type RecordedRequest } from '../src/index.js';
import { sampleParams } from './support/sample-params.js';
import { expectGatewayError, TestClient, useGatewayAndClient } from './support/test-client.js';

const gateway = useGatewayAndClient();

const scenario = (name: string, headers: Record<string, string> = {}) => ({
  headers: { 'x-mock-scenario': name, ...headers },
});
const lastEntry = (): RecordedRequest => gateway.mock.requests.at(-1)!;
const orderParams = (order_sn: string) => ({ ...sampleParams.createOrder, order_sn });

/** A second createOrder with the same order_sn is refused only if the first one was stored. */
async function expectOrderStored(order_sn: string): Promise<void> {
  const again = await gateway.client.pay('createOrder', orderParams(order_sn));
  expect(again.payload).toMatchObject({ status: -1, errorCode: 'P0409' });
}

/** The order the lost createOrder stored, as the log shows it. */
function storedOrder(entry: RecordedRequest): { order_sn: string; linkID: string; status: string } {
  if (entry.change?.kind !== 'order-created') throw new Error(`no order was stored: ${JSON.stringify(entry.change)}`);
  return entry.change.order as { order_sn: string; linkID: string; status: string };
}

/** Sends one pay request over a bare socket and returns everything that arrived before the connection closed. */
async function rawPay(
  service: string,
  params: unknown,
  headers: Record<string, string>,
): Promise<{ head: string; body: Buffer }> {
  const envelope = await gateway.client.envelope(service, params);
  const { hostname, port } = new URL(gateway.mock.url);
  const lines = [
    'POST /api/v2/pay HTTP/1.1',
    `host: ${hostname}:${port}`,
    `authorization: Bearer ${await gateway.client.token()}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(envelope)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset may follow the bytes; what arrived before it is what the test looks at.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      resolve({ head: all.subarray(0, end).toString('latin1'), body: all.subarray(end + 4) });
    });
    socket.write(`${lines.join('\r\n')}\r\n\r\n${envelope}`);
  });
}

describe('each commit-then-lose scenario stores the change, then loses the answer', () => {
  it('commit-drop: createOrder is stored, then the connection is destroyed without an answer', async () => {
    await expect(gateway.client.pay('createOrder', orderParams('LOST-DROP'), scenario('commit-drop'))).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    const entry = lastEntry();
    expect(entry).toMatchObject({
      service: 'createOrder',
      params: orderParams('LOST-DROP'),
      scenario: 'commit-drop',
      outcome: 'commit-drop',
      lostAnswer: { outcome: 'ok', httpStatus: 200, psn: expect.stringMatching(/^PSN\d{20}$/) },
    });
    expect(entry).not.toHaveProperty('httpStatus');
    expect(entry).not.toHaveProperty('psn');
    // The log names the stored order, so a test can look it up as the merchant would have.
    const order = storedOrder(entry);
    expect(order).toMatchObject({ order_sn: 'LOST-DROP', status: 'New' });
    expect(
      (await gateway.client.pay('queryOrder', { order_sn: 'LOST-DROP', linkID: order.linkID })).payload?.data,
    ).toEqual({ outcome: 'New' });
    await expectOrderStored('LOST-DROP');
  });

  it('commit-html-504: createPayer is stored, then HTTP 504 with a gateway-timeout page', async () => {
    const params = { ...sampleParams.createPayer, email: 'lost-504@example.com' };
    const answer = await gateway.client.pay('createPayer', params, scenario('commit-html-504'));
    expect(answer.status).toBe(504);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.text).toContain('<title>504 Gateway Time-out</title>');
    expect(answer.json).toBeUndefined();
    expect(lastEntry()).toMatchObject({
      outcome: 'commit-html-504',
      httpStatus: 504,
      change: { kind: 'payer-created' },
    });
    const found = await gateway.client.pay('getPayer', { email: 'lost-504@example.com' });
    expect(found.payload).toMatchObject({
      status: 0,
      data: { email: 'lost-504@example.com', payerID: expect.any(Number) },
    });
  });

  it('commit-unsigned-503: updatePayer is stored, then HTTP 503 with an E05030 body and no sign', async () => {
    const created = (
      await gateway.client.pay('createPayer', { ...sampleParams.createPayer, email: 'lost-503@example.com' })
    ).payload?.data as { payerID: number };
    const update = {
      ...sampleParams.updatePayer,
      payerID: created.payerID,
      email: 'lost-503@example.com',
      city: 'Lyon',
    };
    const answer = await gateway.client.pay(
      'updatePayer',
      update,
      scenario('commit-unsigned-503', { 'accept-language': 'fr-FR' }),
    );
    expect(answer.status).toBe(503);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.json).toEqual({
      code: 'E05030',
      msg: 'Service temporairement indisponible, réessayez plus tard',
      psn: expect.stringMatching(/^PSN\d{20}$/),
    });
    expect(answer.headers['retry-after']).toBeUndefined();
    expect(lastEntry()).toMatchObject({
      outcome: 'commit-unsigned-503',
      httpStatus: 503,
      code: 'E05030',
      psn: answer.json?.psn,
      lostAnswer: { outcome: 'ok', httpStatus: 200, psn: answer.json?.psn },
      change: { kind: 'payer-updated', payer: { payerID: created.payerID, city: 'Lyon' } },
    });
    expect((await gateway.client.pay('getPayer', { email: 'lost-503@example.com' })).payload?.data).toMatchObject({
      city: 'Lyon',
    });
  });

  it('commit-truncated: refundOrder is stored, then half of the signed answer under the full Content-Length', async () => {
    const order = (await gateway.client.pay('createOrder', orderParams('LOST-CUT'))).payload?.data as {
      linkID: string;
    };
    gateway.mock.setOrderStatus('LOST-CUT', 'Paid');
    const key = { order_sn: 'LOST-CUT', linkID: order.linkID };
    const { head, body } = await rawPay('refundOrder', key, { 'x-mock-scenario': 'commit-truncated' });
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/i);
    const announced = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);
    expect(announced).toBeGreaterThan(100);
    expect(body.length).toBe(announced >> 1);
    expect(body.toString('utf8')).toMatch(/^\{"statusCode":0,"psn":"PSN\d{20}","bizContent":"/);
    expect(lastEntry()).toMatchObject({
      outcome: 'commit-truncated',
      httpStatus: 200,
      lostAnswer: { outcome: 'ok', httpStatus: 200 },
      change: { kind: 'order-refunded', order: { order_sn: 'LOST-CUT', status: 'RefundSubmitted' } },
    });
    expect((await gateway.client.pay('queryOrder', key)).payload?.data).toEqual({ outcome: 'RefundSubmitted' });
  });

  it('commit-truncated: an HTTP client sees the body end early', async () => {
    await expect(
      gateway.client.pay('createOrder', orderParams('LOST-CUT-2'), scenario('commit-truncated')),
    ).rejects.toThrow(/aborted|ECONNRESET|socket hang up/);
    await expectOrderStored('LOST-CUT-2');
  });

  it('commit-html-401: createOrder is stored, then HTTP 401 with a proxy\'s "Authorization Required" page', async () => {
    const answer = await gateway.client.pay('createOrder', orderParams('LOST-401'), scenario('commit-html-401'));
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['www-authenticate']).toBe('Basic realm="codepay-mock"');
    expect(answer.text).toContain('<h1>401 Authorization Required</h1>');
    expect(lastEntry()).toMatchObject({
      outcome: 'commit-html-401',
      httpStatus: 401,
      change: { kind: 'order-created' },
    });
    await expectOrderStored('LOST-401');
  });

  it('bad-signature also commits: the order is stored and the answer does not verify', async () => {
    const answer = await gateway.client.pay('createOrder', orderParams('LOST-SIGN'), scenario('bad-signature'));
    expect(answer.signatureValid).toBe(false);
    expect(answer.payload).toMatchObject({ status: 0, data: { order_sn: 'LOST-SIGN' } });
    expect(lastEntry()).toMatchObject({ outcome: 'bad-signature', change: { kind: 'order-created' } });
    await expectOrderStored('LOST-SIGN');
  });

  it('wrong-key also commits: the order is stored and the answer does not decrypt', async () => {
    const answer = await gateway.client.pay('createOrder', orderParams('LOST-KEY'), scenario('wrong-key'));
    expect(answer.decryptError !== undefined || answer.signatureValid === false).toBe(true);
    expect(lastEntry()).toMatchObject({ outcome: 'wrong-key', change: { kind: 'order-created' } });
    await expectOrderStored('LOST-KEY');
  });
});

describe('a request the gateway refuses changes nothing; its refusal is lost the same way', () => {
  it('a business failure (a duplicate order_sn): nothing stored, the P0409 answer lost', async () => {
    await gateway.client.pay('createOrder', orderParams('LOST-DUP'));
    const answer = await gateway.client.pay('createOrder', orderParams('LOST-DUP'), scenario('commit-html-504'));
    expect(answer.status).toBe(504);
    const entry = lastEntry();
    expect(entry).toMatchObject({
      outcome: 'commit-html-504',
      lostAnswer: { outcome: 'business-error', httpStatus: 200, code: 'P0409' },
    });
    expect(entry).not.toHaveProperty('change');
  });

  it('invalid parameters: nothing stored, the P0400 answer lost', async () => {
    const answer = await gateway.client.pay(
      'createOrder',
      { ...orderParams('LOST-BAD'), currency: 'dollars' },
      scenario('commit-unsigned-503'),
    );
    expect(answer.status).toBe(503);
    expect(lastEntry()).toMatchObject({ lostAnswer: { outcome: 'invalid-params', code: 'P0400' } });
    expect(lastEntry()).not.toHaveProperty('change');
    expect((await gateway.client.pay('createOrder', orderParams('LOST-BAD'))).payload?.status).toBe(0);
  });

  it('an unknown token: nothing stored, the E01002 answer lost', async () => {
    const refused = gateway.client.pay('createOrder', orderParams('LOST-TOKEN'), {
      token: 'forged',
      ...scenario('commit-drop'),
    });
    await expect(refused).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(lastEntry()).toMatchObject({
      outcome: 'commit-drop',
      lostAnswer: { outcome: 'E01002', httpStatus: 401, code: 'E01002' },
    });
    expect(lastEntry()).not.toHaveProperty('change');
    expect((await gateway.client.pay('createOrder', orderParams('LOST-TOKEN'))).payload?.status).toBe(0);
  });

  it('a read-only service: answered, nothing to store, the answer lost all the same', async () => {
    const answer = await gateway.client.pay('getBalance', { currency: 'USD' }, scenario('commit-html-401'));
    expect(answer.status).toBe(401);
    expect(lastEntry()).toMatchObject({ outcome: 'commit-html-401', lostAnswer: { outcome: 'ok' } });
    expect(lastEntry()).not.toHaveProperty('change');
  });
});

describe('choosing a commit-then-lose scenario', () => {
  it('queued for one service: other services pass, the targeted call commits and loses its answer', async () => {
    gateway.mock.queueScenario('commit-drop', { service: 'createOrder' });
    expect((await gateway.client.pay('getBalance', { currency: 'USD' })).status).toBe(200);
    await expect(gateway.client.pay('createOrder', orderParams('LOST-QUEUED'))).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect(lastEntry()).toMatchObject({
      scenario: 'commit-drop',
      outcome: 'commit-drop',
      change: { kind: 'order-created' },
    });
    await expectOrderStored('LOST-QUEUED');
  });

  it('does not apply to the token endpoint, and takes no argument', async () => {
    for (const name of [
      'commit-drop',
      'commit-html-504',
      'commit-unsigned-503',
      'commit-truncated',
      'commit-html-401',
    ]) {
      await expectGatewayError(
        gateway.client,
        await gateway.client.requestToken({ headers: { 'x-mock-scenario': name } }),
        400,
        'MOCK_SCENARIO',
      );
    }
    await expectGatewayError(
      gateway.client,
      await gateway.client.pay('getBalance', { currency: 'USD' }, scenario('commit-drop:1')),
      400,
      'MOCK_SCENARIO',
    );
  });

  it('with generated data nothing is stored, and the answer is lost all the same', async () => {
    const dynamic = await startMockGateway({ dynamic: true, keys: gateway.mock.keys });
    const dynamicClient = new TestClient(dynamic);
    try {
      const answer = await dynamicClient.pay('createOrder', orderParams('LOST-DYNAMIC'), scenario('commit-html-504'));
      expect(answer.status).toBe(504);
      expect(dynamic.requests.at(-1)).toMatchObject({ outcome: 'commit-html-504', lostAnswer: { outcome: 'ok' } });
      expect(dynamic.requests.at(-1)).not.toHaveProperty('change');
    } finally {
      dynamicClient.close();
      await dynamic.close();
    }
  });
});
