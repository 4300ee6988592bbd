// Observability (issue 15, finding 12 and the tracing): every log line of a call carries the service, the psn when
// one is known, the attempt and the outcome; with OpenTelemetry, each call is one CLIENT span with the service, the
// attempts, the psn, the outcome, retry and token events and the time spent signing, encrypting, on HTTP and
// verifying — and nothing secret. With no tracer provider registered, nothing is traced at all.
import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusinessError } from '../src/errors.js';
import { createTracerSource } from '../src/tracing.js';
import { capturingLogger, type CapturedLine } from './support/capture-logger.js';
import { errorBody, useLoopbackGateway } from './support/loopback-gateway.js';
import { balanceParams, orderParams, orderResult, testClient } from './support/test-client.js';
import { keySecrets } from './support/test-keys.js';

const balance = { currency: 'USD', balance: '1.00' };

describe('log lines of a call', () => {
  const gateway = useLoopbackGateway();
  let lines: CapturedLine[];
  beforeEach(() => {
    lines = [];
  });

  it('sending, answered and call completed each carry service, attempt and outcome; psn once the gateway gave one', async () => {
    gateway.handle(() => ({
      payload: { status: 0, errorCode: null, errorMessage: null, data: balance },
      psn: 'PSN-LOG-1',
    }));
    await testClient(gateway, { logger: capturingLogger(lines) }).call('getBalance', balanceParams);
    const ofCall = lines.filter((line) => line.fields?.service === 'getBalance');
    expect(ofCall.map((line) => line.message)).toEqual(['sending', 'answered', 'call completed']);
    for (const line of ofCall)
      expect(line.fields).toMatchObject({ service: 'getBalance', attempt: 0, outcome: expect.any(String) });
    expect(ofCall.find((line) => line.message === 'answered')?.fields).toMatchObject({
      psn: 'PSN-LOG-1',
      outcome: 'HTTP 200',
    });
    expect(ofCall.find((line) => line.message === 'call completed')?.fields).toMatchObject({
      psn: 'PSN-LOG-1',
      outcome: 'ok',
    });
  });

  it('a retry is logged with the psn of the answer retried, and a failure with its class and psn', async () => {
    let answered = 0;
    gateway.handle(async () =>
      answered++ === 0
        ? { status: 503, body: await errorBody('E05030', 'Busy', 'PSN-BUSY-1'), headers: { 'retry-after': '0' } }
        : { payload: { status: -1, errorCode: 'E1', errorMessage: 'no such payer', data: null }, psn: 'PSN-FAIL-2' },
    );
    const error = await testClient(gateway, { logger: capturingLogger(lines) })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusinessError);
    expect(lines.find((line) => line.message === 'retrying')).toMatchObject({
      level: 'warn',
      fields: { service: 'getBalance', psn: 'PSN-BUSY-1', attempt: 0, outcome: 'retry', reason: 'HTTP 503' },
    });
    expect(lines.find((line) => line.message === 'call failed')).toMatchObject({
      level: 'info',
      fields: { service: 'getBalance', psn: 'PSN-FAIL-2', attempt: 1, outcome: 'BusinessError', outcomeUnknown: false },
    });
  });
});

describe('OpenTelemetry tracing', () => {
  const gateway = useLoopbackGateway();
  let exporter: InMemorySpanExporter;
  let provider: BasicTracerProvider;
  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    gateway.handle((call) => ({
      payload: {
        status: 0,
        errorCode: null,
        errorMessage: null,
        data: call.service === 'getBalance' ? balance : orderResult,
      },
      psn: 'PSN-SPAN-1',
    }));
  });
  afterEach(async () => {
    trace.disable();
    await provider.shutdown();
  });

  /** Everything a span exposes, as text, to search for secrets. */
  const spanText = (span: ReadableSpan) =>
    JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status });

  it('one CLIENT span per call: service, attempts, psn, outcome, the token event and the time of each step', async () => {
    const client = testClient(gateway, { tracerProvider: provider });
    await client.call('createOrder', orderParams);
    const [span, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    expect(span!.name).toBe('codepay createOrder');
    expect(span!.kind).toBe(2); // SpanKind.CLIENT
    expect(span!.instrumentationScope.name).toBe('@codepay/transport');
    expect(span!.attributes).toMatchObject({
      'codepay.service': 'createOrder',
      'codepay.attempts': 1,
      'codepay.psn': 'PSN-SPAN-1',
      'codepay.outcome': 'ok',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
    });
    for (const step of ['sign', 'encrypt', 'http', 'decrypt', 'verify'])
      expect(span!.attributes[`codepay.${step}_ms`], step).toBeGreaterThan(0);
    expect(span!.events.map((event) => [event.name, event.attributes])).toEqual([
      ['codepay.token.refresh', { 'codepay.token.reason': 'missing' }],
    ]);
    // A second call finds the token cached: no token event.
    await client.call('getBalance', balanceParams);
    expect(exporter.getFinishedSpans()[1]!.events).toEqual([]);
  });

  it('retries are events, a failure sets the status and the error class; nothing secret in any span', async () => {
    let answered = 0;
    gateway.handle(async () =>
      answered++ === 0
        ? { status: 503, body: await errorBody('E05030', 'Busy'), headers: { 'retry-after': '0' } }
        : { payload: { status: -1, errorCode: 'P0404', errorMessage: 'payer not found', data: null } },
    );
    await testClient(gateway, { tracerProvider: provider })
      .call('getBalance', balanceParams)
      .catch(() => {});
    const span = exporter.getFinishedSpans().at(-1)!;
    expect(span.attributes).toMatchObject({
      'codepay.attempts': 2,
      'codepay.outcome': 'BusinessError',
      'error.type': 'BusinessError',
      'codepay.outcome_unknown': false,
    });
    expect(span.status).toEqual({ code: 2, message: 'BusinessError' });
    expect(span.events.map((event) => event.name)).toContain('codepay.retry');
    expect(span.events.find((event) => event.name === 'codepay.retry')?.attributes).toMatchObject({
      'codepay.attempt': 0,
      'codepay.retry.reason': 'HTTP 503',
    });
    const text = exporter.getFinishedSpans().map(spanText).join('\n');
    for (const secret of [
      ...gateway.secretsSeen,
      ...keySecrets.map((key) => key.replace(/-----[A-Z ]+-----|\s/g, '').slice(0, 40)),
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('USD');
  });

  it('the global provider of @opentelemetry/api is used when one is registered, and only then', async () => {
    const client = testClient(gateway);
    await client.call('getBalance', balanceParams);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(createTracerSource(undefined)()).toBeUndefined();
    trace.setGlobalTracerProvider(provider);
    await client.call('getBalance', balanceParams);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    trace.disable();
    await client.call('getBalance', balanceParams);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('tracerProvider: false turns tracing off even with a global provider; a no-op tracer records nothing', async () => {
    trace.setGlobalTracerProvider(provider);
    await testClient(gateway, { tracerProvider: false }).call('getBalance', balanceParams);
    // The API's no-op provider (a proxy with no SDK behind it), and an SDK provider that samples nothing.
    await testClient(gateway, { tracerProvider: new ProxyTracerProvider() }).call('getBalance', balanceParams);
    const unsampled = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    await testClient(gateway, { tracerProvider: unsampled }).call('getBalance', balanceParams);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});
