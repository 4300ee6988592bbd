import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/logger.js';
import { capturingLogger, lineText, type CapturedLine } from '../support/capture-logger.js';
import { useLoopbackGateway } from '../support/loopback-gateway.js';
import { orderParams, orderResult, testClient } from '../support/test-client.js';

describe('serialize policy', () => {
  const gateway = useLoopbackGateway();

  it('sends exactly JSON.stringify(params): the signed text is the encrypted text, key order kept', async () => {
    gateway.handle(() => ({ payload: { status: 0, errorCode: null, errorMessage: null, data: orderResult } }));
    const client = testClient(gateway);
    await client.call('createOrder', orderParams);
    // The gateway verified the signature over the decrypted text before recording it.
    expect(gateway.calls[0]?.plaintext).toBe(JSON.stringify(orderParams));
    const prepared = await client.prepare('createOrder', orderParams);
    expect(prepared.plaintext).toBe(JSON.stringify(orderParams));
  });

  it('logs the plaintext as a size and a hash at debug level, never as text', async () => {
    const lines: CapturedLine[] = [];
    gateway.handle(() => ({ payload: { status: 0, errorCode: null, errorMessage: null, data: orderResult } }));
    await testClient(gateway, { logger: capturingLogger(lines) }).call('createOrder', orderParams);
    const text = JSON.stringify(orderParams);
    const sending = lines.find((line) => line.message === 'sending');
    expect(sending?.fields).toMatchObject({ service: 'createOrder', plaintextBytes: Buffer.byteLength(text), plaintextSha256: fingerprint(text).sha256 });
    expect(lines.map(lineText).join('\n')).not.toContain('ABC123456789');
  });
});
