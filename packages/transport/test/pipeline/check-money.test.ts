import { describe, expect, it } from 'vitest';
import { services, type ServiceName } from '@codepay/models';
import { ValidationError } from '../../src/errors.js';
import { checkMoneyPolicy, findMoneyIssues } from '../../src/pipeline/check-money.js';
import { composePipeline, type EnvelopeRequest, type EnvelopeResponse } from '../../src/pipeline/policy.js';
import { serializePolicy } from '../../src/pipeline/serialize.js';
import { validateParamsPolicy } from '../../src/pipeline/validate-params.js';
import { orderParams } from '../support/test-client.js';

const answer: EnvelopeResponse = { http: { status: 200, headers: new Headers(), bodyText: '' } };
const request = (params: unknown, service: ServiceName = 'createOrder') =>
  ({ service, definition: services[service], params, headers: {} }) as unknown as EnvelopeRequest;

/** validateParams → checkMoney → serialize, as the envelope client runs them; the terminal records what is sent. */
async function send(params: unknown, service: ServiceName = 'createOrder') {
  const sent: string[] = [];
  const pipeline = composePipeline([validateParamsPolicy, checkMoneyPolicy, serializePolicy], async (req) => {
    sent.push(req.plaintext);
    return answer;
  });
  const error = await pipeline(request(params, service)).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error: error as ValidationError | undefined, sent };
}

const amountIssue = (error: ValidationError | undefined) => {
  expect(error).toBeInstanceOf(ValidationError);
  expect(error!.issues).toHaveLength(1);
  expect(error!.issues[0]).toMatchObject({ path: '/amount' });
  return error!.issues[0]!;
};

describe('checkMoney policy', () => {
  it.each([
    ['a two-place number', 99.99],
    ['a whole number', 100],
    ['the maximum', 1000000000],
    ['a one-place number', 10.1],
    ['a decimal string with trailing zeros', '10.10'],
    ['a whole decimal string', '7'],
    ['a decimal string below one', '0.01'],
    ['the maximum as a decimal string', '1000000000.00'],
  ])('lets %s through to be sent', async (_label, amount) => {
    const { error, sent } = await send({ ...orderParams, amount });
    expect(error).toBeUndefined();
    expect(sent).toHaveLength(1);
  });

  it('refuses a number with more decimal places than USD has, in words', async () => {
    const { error, sent } = await send({ ...orderParams, amount: 10.005 });
    expect(amountIssue(error)).toEqual({
      path: '/amount',
      message: 'must have at most 2 decimal places for USD; received a number with 3',
      keyword: 'decimalPlaces',
    });
    expect(error!.message).toBe(
      'Invalid createOrder params, nothing was sent: /amount must have at most 2 decimal places for USD; received a number with 3',
    );
    expect(sent).toEqual([]);
  });

  it('refuses floating-point arithmetic that left noise: 0.1 + 0.2', async () => {
    const { error } = await send({ ...orderParams, amount: 0.1 + 0.2 });
    expect(amountIssue(error).message).toBe('must have at most 2 decimal places for USD; received a number with 17');
  });

  it('counts the decimal places of a string as written: "10.100" has 3', async () => {
    const { error } = await send({ ...orderParams, amount: '10.100' });
    expect(amountIssue(error).message).toBe(
      'must have at most 2 decimal places for USD; received a decimal string with 3',
    );
  });

  it('refuses a decimal string above one billion, which the schema cannot (no range for strings)', async () => {
    for (const amount of ['1000000000.01', '1000000001', '99999999999']) {
      const { error, sent } = await send({ ...orderParams, amount });
      expect(amountIssue(error)).toMatchObject({
        message: 'must be at most 1000000000; received a decimal string above it',
        keyword: 'maximum',
      });
      expect(sent).toEqual([]);
    }
  });

  it('never echoes the amount in a message', async () => {
    for (const amount of [10.005, '1234567890.5', '10.125']) {
      const { error } = await send({ ...orderParams, amount });
      expect(error!.message).not.toContain(String(amount));
    }
  });
});

describe('findMoneyIssues (the rules on their own, as if the schema had not run)', () => {
  const issues = (amount: unknown, currency: unknown = 'USD') => findMoneyIssues({ amount, currency }, ['amount']);

  it.each([
    [Number.NaN, 'must be a finite number; received NaN', 'finite'],
    [Number.POSITIVE_INFINITY, 'must be a finite number; received Infinity', 'finite'],
    [
      1e21,
      'must be a number JavaScript writes without an exponent (below 1e21, and 0.000001 or more); received a number written with one',
      'exponent',
    ],
    [
      1e-7,
      'must be a number JavaScript writes without an exponent (below 1e21, and 0.000001 or more); received a number written with one',
      'exponent',
    ],
    [0, 'must be greater than 0; received a number that is not', 'exclusiveMinimum'],
    [-0, 'must be greater than 0; received a number that is not', 'exclusiveMinimum'],
    [-5, 'must be greater than 0; received a number that is not', 'exclusiveMinimum'],
    [1000000000.5, 'must be at most 1000000000; received a number above it', 'maximum'],
    ['0.00', 'must be greater than 0; received a decimal string that is not', 'exclusiveMinimum'],
    [
      '1e3',
      'must be digits with an optional "." and more digits (no sign, exponent, spaces or leading zeros); received a string that is not',
      'decimalText',
    ],
    [
      '-1',
      'must be digits with an optional "." and more digits (no sign, exponent, spaces or leading zeros); received a string that is not',
      'decimalText',
    ],
    [
      '01.5',
      'must be digits with an optional "." and more digits (no sign, exponent, spaces or leading zeros); received a string that is not',
      'decimalText',
    ],
    [true, 'must be a number or a decimal string; received a boolean', 'type'],
    [{ value: 1 }, 'must be a number or a decimal string; received an object', 'type'],
  ])('refuses %j', (amount, message, keyword) => {
    expect(issues(amount)).toEqual([{ path: '/amount', message, keyword }]);
  });

  it('assumes 2 decimal places for a currency whose minor units are unknown, and says so', () => {
    expect(issues(10.12, 'XYZ')).toEqual([]);
    expect(issues('10.125', 'XYZ')[0]?.message).toBe(
      "must have at most 2 decimal places (its currency's decimal places are unknown, so 2 are assumed); received a decimal string with 3",
    );
    // An inherited name is not a currency of the table.
    expect(issues('10.125', 'constructor')[0]?.keyword).toBe('decimalPlaces');
  });

  it('leaves an absent money field to the schema', () => {
    expect(findMoneyIssues({ currency: 'USD' }, ['amount'])).toEqual([]);
  });
});

describe('checkMoney on its own', () => {
  it('costs a service without money fields nothing: it does not read the params', async () => {
    const params = new Proxy(
      {},
      { get: () => expect.fail('params were read'), has: () => expect.fail('params were read') },
    );
    await expect(checkMoneyPolicy.sendRequest(request(params, 'getBalance'), async () => answer)).resolves.toBe(answer);
  });

  it('rejects (never throws) before calling the next policy', async () => {
    let called = false;
    const result = checkMoneyPolicy.sendRequest(request({ ...orderParams, amount: 1.234 }), async () => {
      called = true;
      return answer;
    });
    await expect(result).rejects.toBeInstanceOf(ValidationError);
    expect(called).toBe(false);
  });
});
