import { describe, expect, it } from 'vitest';
import { BusinessError, ResponseFormatError } from '../../src/errors.js';
import { mapBusinessStatusPolicy } from '../../src/pipeline/map-business-status.js';
import type { BusinessPayload } from '../../src/pipeline/policy.js';
import { capturedLines, capturingLogger, type CapturedLine } from '../support/capture-logger.js';
import { ok, useLoopbackGateway } from '../support/loopback-gateway.js';
import { payloadAnswer, stubRequest } from '../support/stub-pipeline.js';
import { balanceParams, testClient } from '../support/test-client.js';

describe('mapBusinessStatus policy', () => {
  const gateway = useLoopbackGateway();

  it('status -1 → BusinessError with errorCode, errorMessage, service and psn', async () => {
    gateway.handle(() => ({
      payload: { status: -1, errorCode: 'P0001', errorMessage: 'Payer not found', data: null },
      psn: 'PSN-B',
    }));
    const error = await testClient(gateway)
      .call('getPayer', { email: 'nobody@example.com' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusinessError);
    expect(error).toMatchObject({
      errorCode: 'P0001',
      errorMessage: 'Payer not found',
      service: 'getPayer',
      psn: 'PSN-B',
    });
  });

  it('status -1 without a code → errorCode "-1" (documented)', async () => {
    gateway.handle(() => ({ payload: { status: -1, errorCode: null, errorMessage: 'Failed', data: null } }));
    await expect(testClient(gateway).call('getBalance', balanceParams)).rejects.toMatchObject({ errorCode: '-1' });
  });

  it('status -1 with an errorCode or errorMessage that is not a string, number or null → ResponseFormatError, never a TypeError', async () => {
    // An object with its own `toString` key made String() throw a TypeError (found by the hostile property suite).
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ status: -1, errorCode: { toString: {} } }, /errorCode is an object/],
      [{ status: -1, errorCode: ['P0001'], errorMessage: 'x' }, /errorCode is an array/],
      [{ status: -1, errorCode: true, errorMessage: 'x' }, /errorCode is a boolean/],
      [{ status: -1, errorCode: 'P0001', errorMessage: { valueOf: 1 } }, /errorMessage is an object/],
    ];
    for (const [payload, message] of cases) {
      gateway.handle(() => ({ payload, psn: 'PSN-ODD' }));
      const error = await testClient(gateway)
        .call('getBalance', balanceParams)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseFormatError);
      expect(error).toMatchObject({ service: 'getBalance', psn: 'PSN-ODD' });
      expect((error as Error).message).toMatch(message);
    }
    gateway.handle(() => ({ payload: { status: -1, errorCode: -1, errorMessage: null, data: null } }));
    await expect(testClient(gateway).call('getBalance', balanceParams)).rejects.toMatchObject({
      errorCode: '-1',
      errorMessage: '',
    });
  });

  it('status 0 returns data and psn; unknown keys in data are kept', async () => {
    gateway.handle(() => ({
      payload: {
        status: 0,
        errorCode: null,
        errorMessage: null,
        data: { currency: 'USD', balance: '5.00', frozen: '1.00' },
      },
      psn: 'PSN-OK',
    }));
    await expect(testClient(gateway).call('getBalance', balanceParams)).resolves.toEqual({
      data: { currency: 'USD', balance: '5.00', frozen: '1.00' },
      psn: 'PSN-OK',
    });
  });

  it('a verified answer that departs from the result schema is returned as it came, with the drift reported', async () => {
    gateway.handle(() => ok({ outcome: 'PartiallyRefunded' }));
    const refunded = await testClient(gateway).call('queryOrder', {
      order_sn: 'A1',
      linkID: '8E4B2A1C-7F3D-4C5E-9A6B-1D2E3F4A5B6C',
    });
    expect(refunded).toMatchObject({
      data: { outcome: 'PartiallyRefunded' },
      drift: [{ path: '/outcome', keyword: 'enum' }],
    });
    expect(
      capturedLines.some(
        (l) => l.level === 'warn' && l.message.startsWith('response drift') && l.fields?.paths === '/outcome enum',
      ),
    ).toBe(true);
    // A mistyped and a missing field: for a state-changing call the change has happened, so the data is never
    // thrown away; the departures are listed instead.
    gateway.handle(() => ok({ currency: 'USD', balance: 5 }));
    const balance = await testClient(gateway).call('getBalance', balanceParams);
    expect(balance.data).toEqual({ currency: 'USD', balance: 5 });
    expect(balance.drift).toEqual([
      { path: '/balance', keyword: 'type', message: 'must be text (a string); received a number' },
    ]);
    gateway.handle(() => ok({ firstName: 'Peter', email: 'p@example.com' }));
    const payer = await testClient(gateway).call('getPayer', { email: 'p@example.com' });
    expect(payer.data).toEqual({ firstName: 'Peter', email: 'p@example.com' });
    expect(payer.drift?.map((issue) => `${issue.path} ${issue.keyword}`)).toContain('/payerID required');
  });
});

// The policy alone, with a stubbed `next` answering a parsed payload.
describe('mapBusinessStatus policy with a stubbed next', () => {
  // Answers as they may come, drifted from the result schema included: typed only as far as the wire guarantees.
  type AnyPayload = Omit<BusinessPayload, 'data'> & { data?: unknown };
  const map = (payload: AnyPayload, lines: CapturedLine[] = []) =>
    mapBusinessStatusPolicy(capturingLogger(lines)).sendRequest(stubRequest('getBalance', {}, { attempt: 1 }), () =>
      Promise.resolve(payloadAnswer(payload as BusinessPayload, 'PSN-MAP')),
    );

  it('status -1 is a verified refusal: a BusinessError that says nothing happened (outcomeUnknown false)', async () => {
    const error = await map({
      status: -1,
      errorCode: 'P0001',
      errorMessage: 'Rejected',
      data: { currency: 'USD' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusinessError);
    expect(error).toMatchObject({
      errorCode: 'P0001',
      errorMessage: 'Rejected',
      service: 'getBalance',
      psn: 'PSN-MAP',
      httpStatus: 200,
      outcomeUnknown: false,
    });
    expect((error as Error).message).toBe('getBalance failed: P0001 Rejected (psn PSN-MAP)');
  });

  it('status 0: the data as it came, no drift and no log line when it matches the result schema', async () => {
    const lines: CapturedLine[] = [];
    const response = await map({ status: 0, data: { currency: 'USD', balance: '1.00' } }, lines);
    expect(response.data).toEqual({ currency: 'USD', balance: '1.00' });
    expect(response).not.toHaveProperty('drift');
    expect(lines).toEqual([]);
  });

  it('status 0 with drift: the data kept, the drift on the response and in one warn line with the attempt', async () => {
    const lines: CapturedLine[] = [];
    const response = await map({ status: 0, data: { currency: 'USD' } }, lines);
    expect(response.data).toEqual({ currency: 'USD' });
    expect(response.drift?.map((issue) => `${issue.path} ${issue.keyword}`)).toEqual(['/balance required']);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'response drift: the answer departs from the spec',
        fields: { service: 'getBalance', psn: 'PSN-MAP', attempt: 1, outcome: 'ok', paths: '/balance required' },
      },
    ]);
  });
});
