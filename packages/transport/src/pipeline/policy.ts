// The request path is a list of named policies, each `{ name, sendRequest(request, next) }` (the shape of Azure's
// core-rest-pipeline). A policy may change the request on the way in and the response on the way out; composing
// them in one list makes the order of the envelope steps explicit and testable one policy at a time.
import type { ServiceDefinition, ServiceName, ServicePayload } from '@codepay/models';
import type { ValidationIssue } from '../errors.js';
import type { HttpAnswer } from '../http/send-http.js';
import type { CallTrace } from '../tracing.js';

export interface EnvelopeRequest {
  readonly service: ServiceName;
  readonly definition: ServiceDefinition;
  /** The business parameters as the caller gave them. */
  readonly params: unknown;
  /** The exact JSON text that is signed and encrypted; set once by the serialize policy. */
  plaintext: string;
  /** Headers of the current attempt. */
  headers: Record<string, string>;
  /** The wire body `{service, bizContent, sign}` of the current attempt; set by the encrypt-and-sign policy. */
  body: string;
  /** 0 for the first attempt. */
  attempt: number;
  /** Whether the call was already replayed once with a new token after a 401. */
  tokenReplayed: boolean;
  /**
   * Epoch ms when a request byte of this call first went to the network, for an attempt whose outcome is not
   * definitively known; undefined while nothing may have reached the gateway. It decides `outcomeUnknown`.
   */
  sentAt?: number | undefined;
  readonly signal: AbortSignal | undefined;
  /** Milliseconds one attempt may take (the token request included): the client's `timeout` or the call's. */
  readonly timeoutMs: number;
  /**
   * When the call started, and when it gives up across retries and the token request: `performance.now()`
   * milliseconds, a monotonic clock, so that a step of the wall clock can neither stretch nor cut a deadline.
   */
  readonly startedAt: number;
  readonly deadlineAt: number;
  /** The gateway's request id of the latest answer that carried one (for log lines and the span). */
  psn?: string | undefined;
  /** Set while the call is traced by a recording OpenTelemetry span; undefined otherwise (the usual case). */
  trace: CallTrace | undefined;
}

/** The decrypted answer `{ status, errorCode, errorMessage, data }`, as the spec states it for every service. */
export type BusinessPayload = ServicePayload;

export interface EnvelopeResponse {
  http: HttpAnswer;
  /** The gateway's request id, when the answer carried one. */
  psn?: string;
  /** Decrypted and verified business payload text. */
  plaintext?: string;
  payload?: BusinessPayload;
  /** The business result (`data`) of a successful call. */
  data?: unknown;
  /** Where verified `data` departs from the spec's result schema (reported, never a failure). */
  drift?: ValidationIssue[];
}

// What an error about an answer carries (defined beside the one reader of gateway answers).
export { answerContext } from '../envelope/read-gateway-answer.js';

export type SendNext = (request: EnvelopeRequest) => Promise<EnvelopeResponse>;

export interface Policy {
  readonly name: string;
  sendRequest(request: EnvelopeRequest, next: SendNext): Promise<EnvelopeResponse>;
}

/**
 * The pipeline in named phases, outermost first — the way Azure's core-rest-pipeline orders its Serialize,
 * Deserialize, Retry and Sign phases — so where a policy runs follows from what it is for, not from its index in one
 * long list. Each phase lists its policies in the order they act: the request's on the way in, the answer's on the
 * way out.
 */
export interface PipelinePhases {
  /** Once per call, outermost: what every call ends with whatever happened inside (the outcome, the last log line). */
  readonly call: readonly Policy[];
  /** Once per call, on the way in: the params are checked and serialized; if one refuses, nothing is sent. */
  readonly request: readonly Policy[];
  /** Once per call, on the way out, in the order they read the final answer: verified, decrypted, parsed, mapped. */
  readonly answer: readonly Policy[];
  /** Whether to go through the attempt phase again: the one place that decides. */
  readonly retry: readonly Policy[];
  /** Once per attempt, innermost: a current token and a fresh signature, then the send. */
  readonly attempt: readonly Policy[];
}

/**
 * Composes the phases once, into the same chain of closures `composePipeline` makes: naming the phases costs a call
 * nothing. Phases left out are empty (`prepare()` runs only `request` and the signing of `attempt`).
 */
export function composePhases(phases: Partial<PipelinePhases>, send: SendNext): SendNext {
  const { call = [], request = [], answer = [], retry = [], attempt = [] } = phases;
  // The answer phase meets the answer innermost first: its first policy is the one nearest the send.
  return composePipeline([...call, ...request, ...[...answer].reverse(), ...retry, ...attempt], send);
}

/**
 * Runs `policies` outermost first, ending in `terminal` (the HTTP send). A policy need not be an async function: a
 * pass-through step may return `next(request)` itself (one promise fewer per step and call); whatever it throws
 * synchronously still reaches the caller as a rejection.
 */
export function composePipeline(policies: readonly Policy[], terminal: SendNext): SendNext {
  return policies.reduceRight<SendNext>(
    (next, policy) => (request) => {
      try {
        return policy.sendRequest(request, next);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    terminal,
  );
}
