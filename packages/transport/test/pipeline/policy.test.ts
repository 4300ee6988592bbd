import { describe, expect, it } from 'vitest';
import {
  composePipeline,
  type EnvelopeRequest,
  type EnvelopeResponse,
  type Policy,
} from '../../src/pipeline/policy.js';

const request = () => ({ service: 'getBalance', params: {}, headers: {} }) as unknown as EnvelopeRequest;
const answer: EnvelopeResponse = { http: { status: 200, headers: new Headers(), bodyText: '' } };

describe('composePipeline', () => {
  it('runs policies outermost first on the way in and in reverse on the way out, async or not', async () => {
    const trace: string[] = [];
    const tracing = (name: string, async: boolean): Policy => ({
      name,
      sendRequest: async
        ? async (req, next) => {
            trace.push(`in ${name}`);
            const response = await next(req);
            trace.push(`out ${name}`);
            return response;
          }
        : (req, next) => {
            trace.push(`in ${name}`);
            return next(req).then((response) => {
              trace.push(`out ${name}`);
              return response;
            });
          },
    });
    const pipeline = composePipeline([tracing('a', true), tracing('b', false), tracing('c', true)], async () => {
      trace.push('send');
      return answer;
    });
    await expect(pipeline(request())).resolves.toBe(answer);
    expect(trace).toEqual(['in a', 'in b', 'in c', 'send', 'out c', 'out b', 'out a']);
  });

  it('a policy that throws synchronously rejects the call (never a throw from pipeline()) and stops it there', async () => {
    let sent = false;
    const failure = new Error('refused');
    const throwing: Policy = {
      name: 'throwing',
      sendRequest: () => {
        throw failure;
      },
    };
    const pipeline = composePipeline([throwing], async () => {
      sent = true;
      return answer;
    });
    let result: Promise<EnvelopeResponse> | undefined;
    expect(() => (result = pipeline(request()))).not.toThrow();
    await expect(result).rejects.toBe(failure);
    expect(sent).toBe(false);
  });
});
