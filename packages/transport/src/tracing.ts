// OpenTelemetry tracing through @opentelemetry/api, an optional peer dependency: one CLIENT span per call with the
// service, the number of attempts, the psn, the outcome, retry and token events, and the time spent signing,
// encrypting, on HTTP, decrypting and verifying. Nothing secret goes in a span: no keys, tokens, params or answers.
//
// Free when off: with no tracer provider registered (or @opentelemetry/api not installed), a call costs one look-up of
// the global provider and one comparison — no span, no allocation, no timing.
import { createRequire } from 'node:module';
import type * as OTel from '@opentelemetry/api';
import type { EnvelopeRequest } from './pipeline/policy.js';
import { TRANSPORT_VERSION } from './user-agent.js';

/**
 * An OpenTelemetry `TracerProvider` (from `@opentelemetry/sdk-trace-base`, `@opentelemetry/sdk-node`, …). Typed by
 * the one method used, so that the transport's types need no @opentelemetry package.
 */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): unknown;
}

type Api = typeof OTel;

/** The instrumentation scope name of the spans. */
export const TRACER_NAME = '@codepay/transport';

// SpanKind.CLIENT and SpanStatusCode.ERROR, fixed by the OpenTelemetry API.
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

let loadedApi: Api | null | undefined;

/** @opentelemetry/api when the application has it installed, else null (looked for once). */
export function openTelemetryApi(): Api | null {
  if (loadedApi === undefined) {
    try {
      // The ESM build has import.meta.url, the CommonJS build __filename: resolve from this package either way.
      const from = typeof __filename === 'string' ? __filename : import.meta.url;
      loadedApi = createRequire(from)('@opentelemetry/api') as Api;
    } catch {
      loadedApi = null;
    }
  }
  return loadedApi;
}

/** Returns the tracer for a call about to start, or undefined when tracing is off. */
export type TracerSource = () => OTel.Tracer | undefined;

const off: TracerSource = () => undefined;

/**
 * `option` is the `tracerProvider` option: a provider (always used), `false` (never trace) or undefined (the global
 * provider of @opentelemetry/api, looked up on every call so that one registered later is used; off while none is).
 */
export function createTracerSource(option: TracerProviderLike | false | undefined): TracerSource {
  if (option === false) return off;
  if (option !== undefined) {
    let tracer: OTel.Tracer | undefined;
    return () => (tracer ??= option.getTracer(TRACER_NAME, TRANSPORT_VERSION) as OTel.Tracer);
  }
  const api = openTelemetryApi();
  if (api === null) return off;
  // The API's own no-op provider: what the global proxy delegates to while no SDK is registered.
  const noop = new api.ProxyTracerProvider().getDelegate();
  let lastProvider: OTel.TracerProvider | undefined;
  let lastDelegate: OTel.TracerProvider | undefined;
  let lastTracer: OTel.Tracer | undefined;
  return () => {
    const provider = api.trace.getTracerProvider();
    const delegate =
      typeof (provider as OTel.ProxyTracerProvider).getDelegate === 'function'
        ? (provider as OTel.ProxyTracerProvider).getDelegate()
        : provider;
    if (delegate === noop) return undefined;
    if (provider !== lastProvider || delegate !== lastDelegate) {
      lastProvider = provider;
      lastDelegate = delegate;
      lastTracer = provider.getTracer(TRACER_NAME, TRANSPORT_VERSION);
    }
    return lastTracer;
  };
}

/** What the policies record about one traced call. Present on the request only while the span is recording. */
export class CallTrace {
  attempts = 0;
  signMs = 0;
  encryptMs = 0;
  httpMs = 0;
  decryptMs = 0;
  verifyMs = 0;
  tokenWaitMs = 0;
  httpStatus: number | undefined;

  constructor(readonly span: OTel.Span) {}

  event(name: string, attributes: OTel.Attributes): void {
    this.span.addEvent(name, attributes);
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function finish(trace: CallTrace, request: EnvelopeRequest, psn: string | undefined, error: unknown): void {
  const { span } = trace;
  const attributes: OTel.Attributes = {
    'codepay.attempts': trace.attempts,
    'codepay.outcome': error === undefined ? 'ok' : error instanceof Error ? error.name : 'error',
    'codepay.sign_ms': round(trace.signMs),
    'codepay.encrypt_ms': round(trace.encryptMs),
    'codepay.http_ms': round(trace.httpMs),
    'codepay.decrypt_ms': round(trace.decryptMs),
    'codepay.verify_ms': round(trace.verifyMs),
    'codepay.token_wait_ms': round(trace.tokenWaitMs),
  };
  if (psn !== undefined) attributes['codepay.psn'] = psn;
  if (trace.httpStatus !== undefined) attributes['http.response.status_code'] = trace.httpStatus;
  if (error !== undefined) {
    const name = attributes['codepay.outcome'] as string;
    attributes['error.type'] = name;
    const unknown = (error as { outcomeUnknown?: unknown }).outcomeUnknown;
    if (typeof unknown === 'boolean') attributes['codepay.outcome_unknown'] = unknown;
    // The class name only: messages are safe by design, but a span is no place to find out.
    span.setStatus({ code: STATUS_ERROR, message: name });
  }
  span.setAttributes(attributes);
  if (request.sentAt !== undefined) span.setAttribute('codepay.sent', true);
  span.end();
}

export interface TracedCallContext {
  serverAddress: string;
  serverPort: number;
}

/**
 * Runs `run` inside a CLIENT span named `codepay <service>` (made the active span, so instrumented HTTP below it nests
 * under it). A span that is not recording (a no-op tracer) is ended at once and the call runs untraced.
 */
export async function traced<T extends { psn?: string | undefined }>(
  tracer: OTel.Tracer,
  request: EnvelopeRequest,
  where: TracedCallContext,
  run: () => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(`codepay ${request.service}`, {
    kind: SPAN_KIND_CLIENT,
    attributes: {
      'codepay.service': request.service,
      'server.address': where.serverAddress,
      'server.port': where.serverPort,
    },
  });
  if (!span.isRecording()) {
    span.end();
    return run();
  }
  const trace = new CallTrace(span);
  request.trace = trace;
  const api = openTelemetryApi();
  try {
    const result = await (api === null ? run() : api.context.with(api.trace.setSpan(api.context.active(), span), run));
    finish(trace, request, result.psn ?? request.psn, undefined);
    return result;
  } catch (error) {
    finish(trace, request, (error as { psn?: string } | null)?.psn ?? request.psn, error);
    throw error;
  }
}
