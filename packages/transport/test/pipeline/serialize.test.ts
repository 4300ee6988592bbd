import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackGateway, type LoopbackGateway } from '../support/loopback-gateway.js';
import { orderParams, orderResult, testClient } from '../support/test-client.js';

describe('serialize policy', () => {
  let gateway: LoopbackGateway;
  beforeAll(async () => {
    gateway = await startLoopbackGateway();
  });
  afterAll(() => gateway.close());

  it('sends exactly JSON.stringify(params): the signed text is the encrypted text, key order kept', async () => {
    gateway.handle(() => ({ payload: { status: 0, errorCode: null, errorMessage: null, data: orderResult } }));
    const client = testClient(gateway);
    await client.call('createOrder', orderParams);
    // The gateway verified the signature over the decrypted text before recording it.
    expect(gateway.calls[0]?.plaintext).toBe(JSON.stringify(orderParams));
    const prepared = await client.prepare('createOrder', orderParams);
    expect(prepared.plaintext).toBe(JSON.stringify(orderParams));
  });
});
