import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { services, type ServiceName } from '@codepay/models';
import { fingerprint } from '../../src/logger.js';
import { composePipeline, type EnvelopeRequest } from '../../src/pipeline/policy.js';
import { serializeParams, serializePolicy } from '../../src/pipeline/serialize.js';
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

  it('signs and sends a decimal-string amount as the JSON number with those digits', async () => {
    gateway.handle(() => ({ payload: { status: 0, errorCode: null, errorMessage: null, data: orderResult } }));
    const client = testClient(gateway);
    await client.call('createOrder', { ...orderParams, amount: '10.10' });
    expect(gateway.calls.at(-1)?.plaintext).toContain('"amount":10.10,');
    expect((await client.prepare('createOrder', { ...orderParams, amount: '250.00' })).plaintext).toContain(
      '"amount":250.00,',
    );
  });

  it('logs the plaintext as a size and a hash at debug level, never as text', async () => {
    const lines: CapturedLine[] = [];
    gateway.handle(() => ({ payload: { status: 0, errorCode: null, errorMessage: null, data: orderResult } }));
    await testClient(gateway, { logger: capturingLogger(lines) }).call('createOrder', orderParams);
    const text = JSON.stringify(orderParams);
    const sending = lines.find((line) => line.message === 'sending');
    expect(sending?.fields).toMatchObject({
      service: 'createOrder',
      plaintextBytes: Buffer.byteLength(text),
      plaintextSha256: fingerprint(text).sha256,
    });
    expect(lines.map(lineText).join('\n')).not.toContain('ABC123456789');
  });
});

/** request.plaintext after the serialize policy, for the params of `service`. */
async function plaintextOf(params: unknown, service: ServiceName = 'createOrder'): Promise<string> {
  const request = { service, definition: services[service], params, headers: {} } as unknown as EnvelopeRequest;
  await composePipeline([serializePolicy], async () => ({
    http: { status: 200, headers: new Headers(), bodyText: '' },
  }))(request);
  return request.plaintext;
}

describe('serialize policy: money goes out as the exact decimal the merchant gave', () => {
  it('writes a decimal string as a JSON number with its digits as given, trailing zeros kept', async () => {
    const text = await plaintextOf({ ...orderParams, amount: '10.10' });
    expect(text).toContain('"amount":10.10,');
    expect(text).toBe(JSON.stringify({ ...orderParams, amount: 0 }).replace('"amount":0,', '"amount":10.10,'));
    expect(JSON.parse(text)).toEqual({ ...orderParams, amount: 10.1 });
  });

  it('writes a number as JSON.stringify does', async () => {
    const text = await plaintextOf({ ...orderParams, amount: 99.99 });
    expect(text).toContain('"amount":99.99,');
    expect(text).toBe(JSON.stringify({ ...orderParams, amount: 99.99 }));
  });

  it('leaves a string in money that is not a plain number quoted: it is never written raw', async () => {
    for (const amount of ['1,"x":2', '1e3', '-1', ' 1', '01', '1.', '']) {
      const text = await plaintextOf({ ...orderParams, amount });
      expect(text).toBe(JSON.stringify({ ...orderParams, amount }));
    }
  });

  it('another field cannot inject: text that looks like an amount, JSON or a marker stays a quoted string', async () => {
    const hostile = ['10.10', '"amount":1', '","amount":1,"x":"', '\u0000codepay-money-0\u0000', '"10.10"', '}'];
    for (const description of hostile) {
      const params = { ...orderParams, amount: '10.10', description, product: description };
      const text = await plaintextOf(params);
      expect(JSON.parse(text)).toEqual({ ...params, amount: 10.1 });
      expect(text.match(/"amount":/g)).toHaveLength(1);
      expect(text).toContain(`"description":${JSON.stringify(description)}`);
    }
  });

  it('other services serialize exactly as JSON.stringify, even with a field named like money', async () => {
    const params = { currency: 'USD', amount: '10.10' };
    expect(await plaintextOf(params, 'getBalance')).toBe(JSON.stringify(params));
  });

  it('a money string is written raw only at the top level, where money fields are', () => {
    const params = { amount: '1.50', nested: { amount: '2.50' }, list: ['3.50'] };
    expect(serializeParams(params, ['amount'])).toBe('{"amount":1.50,"nested":{"amount":"2.50"},"list":["3.50"]}');
  });

  it('leaves out members without a JSON form, as JSON.stringify does', () => {
    const params = { a: undefined, amount: '5.00', f: () => 1, s: Symbol('s'), d: new Date(0), n: null };
    expect(serializeParams(params, ['amount'])).toBe(
      JSON.stringify({ ...params, amount: 5 }).replace('"amount":5', '"amount":5.00'),
    );
  });

  it('property: any other fields, any decimal amount — the text is JSON.stringify with the digits of the amount unquoted', () => {
    const decimal = fc
      .tuple(
        fc.oneof(fc.constant('0'), fc.bigInt({ min: 1n, max: 10n ** 12n }).map(String)),
        fc.option(fc.stringMatching(/^[0-9]{1,6}$/)),
      )
      .map(([whole, fraction]) => (fraction === null ? whole : `${whole}.${fraction}`));
    const others = fc.dictionary(
      fc.string().filter((key) => key !== 'amount'),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(others, decimal, (rest, amount) => {
        const text = serializeParams({ ...rest, amount }, ['amount']);
        const before = JSON.stringify(rest);
        expect(text).toBe(`${before.slice(0, -1)}${before === '{}' ? '' : ','}"amount":${amount}}`);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify({ ...rest, amount: Number(amount) })));
      }),
    );
  });
});
