import { describe, expect, it } from 'vitest';
import { BusinessError, ConnectionError, ResponseFormatError } from '../../src/errors.js';
import { outcomePolicy } from '../../src/pipeline/outcome.js';
import type { EnvelopeResponse } from '../../src/pipeline/policy.js';
import { capturingLogger, type CapturedLine } from '../support/capture-logger.js';
import { httpAnswer, stubRequest } from '../support/stub-pipeline.js';

// The outermost policy, with a stubbed `next`: what it writes on the error that leaves the call, and its last log line.
describe('outcome policy', () => {
  const setUp = (levels = { debug: true, info: true }) => {
    const lines: CapturedLine[] = [];
    return { lines, policy: outcomePolicy({ logger: capturingLogger(lines), ...levels }) };
  };
  const failWith = (error: unknown) => () => Promise.reject(error);

  it('an error from a call nothing of which reached the network: outcomeUnknown false, no sentAt', async () => {
    const { policy } = setUp();
    const error = new ResponseFormatError('HTML page', { service: 'createOrder', httpStatus: 502 });
    await expect(policy.sendRequest(stubRequest('createOrder'), failWith(error))).rejects.toBe(error);
    expect(error.outcomeUnknown).toBe(false);
    expect(error.sentAt).toBeUndefined();
  });

  it('an error after a request byte went out: outcomeUnknown true, sentAt the moment it first did', async () => {
    const { policy } = setUp();
    const sentAt = Date.UTC(2026, 0, 1, 12, 0, 0);
    const error = new ResponseFormatError('truncated', { service: 'createOrder', httpStatus: 200 });
    await expect(policy.sendRequest(stubRequest('createOrder', {}, { sentAt }), failWith(error))).rejects.toBe(error);
    expect(error).toMatchObject({ outcomeUnknown: true, sentAt: new Date(sentAt) });
  });

  it('keeps what a policy that knew better already said: a verified refusal stays outcomeUnknown false', async () => {
    const { policy } = setUp();
    const sentAt = Date.UTC(2026, 0, 1, 12, 0, 0);
    const refusal = new BusinessError('P0409 duplicate', {
      service: 'createOrder',
      errorCode: 'P0409',
      errorMessage: 'duplicate',
      outcomeUnknown: false,
    });
    await expect(policy.sendRequest(stubRequest('createOrder', {}, { sentAt }), failWith(refusal))).rejects.toBe(
      refusal,
    );
    expect(refusal.outcomeUnknown).toBe(false);
    // When it was sent is still a fact worth reporting.
    expect(refusal.sentAt).toEqual(new Date(sentAt));
    const lost = new ConnectionError('reset', { outcomeUnknown: true });
    await expect(policy.sendRequest(stubRequest('createOrder'), failWith(lost))).rejects.toBe(lost);
    expect(lost.outcomeUnknown).toBe(true);
  });

  it('leaves an error that is not ours untouched, and still rejects with it', async () => {
    const { policy, lines } = setUp();
    const bug = new TypeError('x is not a function');
    await expect(policy.sendRequest(stubRequest('getBalance', {}, { sentAt: Date.now() }), failWith(bug))).rejects.toBe(
      bug,
    );
    expect(bug).not.toHaveProperty('outcomeUnknown');
    expect(lines.at(-1)).toMatchObject({
      level: 'info',
      message: 'call failed',
      fields: { outcome: 'TypeError', outcomeUnknown: undefined },
    });
  });

  it('ends each call with one line: call completed (debug) or call failed (info), with psn, attempt and outcome', async () => {
    const { policy, lines } = setUp();
    const answer: EnvelopeResponse = { ...httpAnswer(200), psn: 'PSN-1' };
    await policy.sendRequest(stubRequest('getBalance', {}, { attempt: 2 }), () => Promise.resolve(answer));
    expect(lines).toEqual([
      {
        level: 'debug',
        message: 'call completed',
        fields: { service: 'getBalance', psn: 'PSN-1', attempt: 2, outcome: 'ok', ms: expect.any(Number) },
      },
    ]);
    lines.length = 0;
    const error = new ResponseFormatError('bad', { service: 'getBalance', httpStatus: 200, psn: 'PSN-2' });
    await policy.sendRequest(stubRequest('getBalance', {}, { psn: 'PSN-OLD' }), failWith(error)).catch(() => undefined);
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'call failed',
        fields: {
          service: 'getBalance',
          psn: 'PSN-2',
          attempt: 0,
          outcome: 'ResponseFormatError',
          outcomeUnknown: false,
          ms: expect.any(Number),
        },
      },
    ]);
  });

  it('writes no line below the configured level', async () => {
    const { policy, lines } = setUp({ debug: false, info: false });
    await policy.sendRequest(stubRequest('getBalance'), () => Promise.resolve(httpAnswer(200)));
    await policy
      .sendRequest(stubRequest('getBalance'), failWith(new ConnectionError('x', { outcomeUnknown: false })))
      .catch(() => undefined);
    expect(lines).toEqual([]);
  });
});
