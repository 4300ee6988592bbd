import { describe, expect, it } from 'vitest';
import { ResponseFormatError } from '../../src/errors.js';
import { bindAnswerPolicy } from '../../src/pipeline/bind-answer.js';
import { dataAnswer, stubRequest } from '../support/stub-pipeline.js';
import { orderParams, orderResult } from '../support/test-client.js';

// bindAnswer with a stubbed `next` answering verified data: does the answer belong to this request? (The hostile
// suite replays genuine answers of other calls through the real pipeline.)
describe('bindAnswer policy', () => {
  const bind = (service: Parameters<typeof stubRequest>[0], params: unknown, data: unknown) =>
    bindAnswerPolicy.sendRequest(stubRequest(service, params), () => Promise.resolve(dataAnswer(data, 'PSN-BIND')));

  it('passes an answer that echoes what was asked, comparing as text ignoring case', async () => {
    await expect(bind('createOrder', orderParams, orderResult)).resolves.toMatchObject({ data: orderResult });
    await expect(
      bind('getPayer', { email: 'Ann@Example.com' }, { payerID: 1, email: 'ann@example.com' }),
    ).resolves.toBeDefined();
    // An answer may leave an echoed field out, or null.
    await expect(bind('createOrder', orderParams, { ...orderResult, order_sn: undefined })).resolves.toBeDefined();
    await expect(bind('createOrder', orderParams, { ...orderResult, order_sn: null })).resolves.toBeDefined();
  });

  it('refuses an answer naming another echoed value: ResponseFormatError, outcome unknown, the data not returned', async () => {
    const error = await bind('createOrder', orderParams, { ...orderResult, order_sn: 'SOMEONE-ELSES' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect(error).toMatchObject({ service: 'createOrder', psn: 'PSN-BIND', httpStatus: 200, outcomeUnknown: true });
    expect((error as Error).message).toMatch(/names another order_sn than this request/);
    expect((error as Error).message).not.toContain('SOMEONE-ELSES');
  });

  it("refuses another service's answer: none of this service's result fields", async () => {
    const error = await bind('createOrder', orderParams, { currency: 'USD', balance: '1.00' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as Error).message).toMatch(/has none of the fields of a createOrder result/);
  });

  it.each([
    ['an array', [orderResult], /carries an array where a createOrder result is an object/],
    ['null', null, /carries no data where/],
    ['a string', 'ok', /carries a string where/],
  ])('refuses data that is %s where the result is an object', async (_kind, data, message) => {
    await expect(bind('createOrder', orderParams, data)).rejects.toThrow(message);
  });

  it('accepts an empty object (nothing in it contradicts the request)', async () => {
    await expect(bind('createOrder', orderParams, {})).resolves.toMatchObject({ data: {} });
  });
});
