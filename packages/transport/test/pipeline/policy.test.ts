import { describe, expect, it } from 'vitest';
import {
  composePhases,
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

describe('composePhases', () => {
  it('runs the phases call → request → answer → retry → attempt, the answer phase in the order it reads the answer', async () => {
    const trace: string[] = [];
    const tracing = (name: string): Policy => ({
      name,
      async sendRequest(req, next) {
        trace.push(`in ${name}`);
        const response = await next(req);
        trace.push(`out ${name}`);
        return response;
      },
    });
    const pipeline = composePhases(
      {
        attempt: [tracing('sign')],
        answer: [tracing('verify'), tracing('parse')],
        request: [tracing('validate')],
        retry: [tracing('retry')],
        call: [tracing('outcome')],
      },
      async () => {
        trace.push('send');
        return answer;
      },
    );
    await expect(pipeline(request())).resolves.toBe(answer);
    expect(trace.filter((line) => line.startsWith('in '))).toEqual([
      'in outcome',
      'in validate',
      'in parse',
      'in verify',
      'in retry',
      'in sign',
    ]);
    // On the way back the answer meets the answer phase in its listed order: verified before it is parsed.
    expect(trace.slice(trace.indexOf('send') + 1)).toEqual([
      'out sign',
      'out retry',
      'out verify',
      'out parse',
      'out validate',
      'out outcome',
    ]);
  });

  it('leaves out the phases it is not given', async () => {
    const names: string[] = [];
    const named = (name: string): Policy => ({
      name,
      sendRequest: (req, next) => {
        names.push(name);
        return next(req);
      },
    });
    await composePhases({ request: [named('serialize')], attempt: [named('sign')] }, async () => answer)(request());
    expect(names).toEqual(['serialize', 'sign']);
  });
});
