// createCodePay(): the client merchants import. Options are checked at construction; every method is typed from
// the spec; every call goes through the transport's envelope pipeline (validated, signed, encrypted, verified).
import type { Order, ServiceName, ServiceResult } from '@codepay/models';
import {
  checkOptionNames,
  ConfigurationError,
  describeChoice,
  createEnvelopeClient,
  TRANSPORT_OPTION_NAMES,
  type EnvelopeClient,
  type PreparedEnvelope,
  type TransportOptions,
  type ValidationIssue,
} from '@codepay/transport';
import { withDatesAsGatewayText } from './dates.js';
import { environments, type EnvironmentName } from './environments.js';
import { createResources, type OrdersResource, type Resources, type ServiceInputs } from './gen/resources.gen.js';
import {
  createOutcomeTools,
  rememberFailedCall,
  type FindOrderParams,
  type OutcomeResolution,
  type ResolveOutcomeOptions,
} from './outcome.js';
import { createNotifications, type Notifications } from './notifications.js';
import { createPageList } from './pagination.js';
import type { RequestOptions, ServiceCaller, WithPsn } from './service-caller.js';
import { SDK_VERSION } from './version.js';

export interface CodePayOptions extends Omit<TransportOptions, 'baseUrl' | 'userAgentPrefix'> {
  /** The gateway base URL CodePay gave you. Either this or `environment`. */
  baseUrl?: string;
  /** A named base URL instead of `baseUrl`: `local` is the mock gateway on 127.0.0.1:4010. */
  environment?: EnvironmentName;
}

/** The orders resource, with `find`: an order by its order_sn alone (no linkID needed). */
export interface Orders extends OrdersResource {
  /**
   * The order with this `order_sn`, searched with queryOrders in a creation-time window (default: the last 7 days),
   * or `undefined`. Its `linkID` is what queryOrder and refundOrder need. Pages through the window, 100 orders a page.
   */
  find(params: FindOrderParams, options?: RequestOptions): Promise<Order | undefined>;
}

export interface CodePay extends Omit<Resources, 'orders'> {
  readonly orders: Orders;
  /**
   * What happened to a state-changing call (createOrder, refundOrder, createPayer, updatePayer) that failed with
   * `outcomeUnknown: true`: `happened` (with what was read back), `not-happened` (safe to send again) or `unknown`
   * (with the reason). Reads the result back from the gateway; see the README's "When the outcome is unknown".
   */
  resolveOutcome(error: unknown, options?: ResolveOutcomeOptions): Promise<OutcomeResolution>;
  /** Call any service by name, typed by that name. */
  call<S extends ServiceName>(
    service: S,
    params: ServiceInputs[S],
    options?: RequestOptions,
  ): Promise<WithPsn<ServiceResult<S>>>;
  /** The exact envelope (`plaintext`, `bizContent`, `sign`, headers, body) a call would send, without sending it. */
  prepare<S extends ServiceName>(service: S, params: ServiceInputs[S]): Promise<PreparedEnvelope>;
  /** Order-status notifications: verify and decrypt, acknowledge, or mount a ready-made handler. */
  readonly notifications: Notifications;
  /**
   * A copy with some options changed, sharing this client's connection pool (and token, for the same credentials).
   * Changing `ca`, `proxy`, `fetch`, `maxSockets` or `idleSocketTimeout` gives the copy a pool of its own.
   */
  withOptions(overrides: Partial<CodePayOptions>): CodePay;
  /**
   * Stops taking calls, waits for the calls in flight to settle, then closes every pooled connection (the pool is
   * shared with withOptions copies that did not get their own). Later calls fail at once with a ConnectionError,
   * `outcomeUnknown: false`: nothing is sent. Resolves once the connections are closed.
   */
  close(): Promise<void>;
  /** Whether close() was called on this client's connection pool. */
  readonly closed: boolean;
}

/** Every option of createCodePay; anything else is a ConfigurationError naming the closest of these. */
const CODEPAY_OPTION_NAMES: readonly string[] = [
  ...TRANSPORT_OPTION_NAMES.filter((name) => name !== 'userAgentPrefix'),
  'environment',
];

function resolveBaseUrl(options: CodePayOptions): string {
  if (options.baseUrl !== undefined && options.environment !== undefined) {
    throw new ConfigurationError('pass either baseUrl or environment, not both.', { option: 'environment' });
  }
  if (options.environment !== undefined) {
    const name: unknown = options.environment;
    if (typeof name !== 'string' || !Object.hasOwn(environments, name)) {
      throw new ConfigurationError(
        `${describeChoice(name, Object.keys(environments))} is not a known environment (${Object.keys(environments).join(', ')}); pass the gateway URL as baseUrl instead.`,
        { option: 'environment' },
      );
    }
    return (environments as Record<string, string>)[name]!;
  }
  if (options.baseUrl === undefined) {
    throw new ConfigurationError(
      'is missing; pass the gateway URL CodePay gave you (or environment: "local" for the mock).',
      { option: 'baseUrl' },
    );
  }
  return options.baseUrl;
}

function toTransportOptions(options: CodePayOptions): TransportOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('must be an object with baseUrl, appId and the keys.', { option: 'options' });
  }
  checkOptionNames(options, CODEPAY_OPTION_NAMES, 'createCodePay');
  const { environment: _environment, ...rest } = options;
  return { ...rest, baseUrl: resolveBaseUrl(options), userAgentPrefix: `codepay-sdk/${SDK_VERSION}` };
}

/** `psn` (and `drift`, when the answer departs from the spec) as non-enumerable properties: out of JSON.stringify. */
function attachCallInfo<T>(
  data: T,
  psn: string | undefined,
  drift: readonly ValidationIssue[] | undefined,
): WithPsn<T> {
  if (typeof data === 'object' && data !== null) {
    Object.defineProperty(data, 'psn', { value: psn, enumerable: false });
    if (drift) Object.defineProperty(data, 'drift', { value: drift, enumerable: false });
  }
  return data as WithPsn<T>;
}

function buildCodePay(options: CodePayOptions, envelope: EnvelopeClient): CodePay {
  const caller: ServiceCaller = {
    async call(service, params, callOptions) {
      let sent: unknown = params;
      try {
        sent = withDatesAsGatewayText(service, params);
        const { data, psn, drift } = await envelope.call(service, sent as never, callOptions);
        return attachCallInfo(data, psn, drift) as WithPsn<ServiceResult<typeof service>>;
      } catch (error) {
        rememberFailedCall(error, service, sent);
        throw error;
      }
    },
    list(service, params, callOptions, hint) {
      // Nothing is checked or sent until a page is awaited or iterated: a bad param surfaces there, not here.
      return createPageList(params as Record<string, unknown>, hint, (pageParams) =>
        caller.call(service, pageParams as never, callOptions),
      );
    },
  };
  const resources = createResources(caller);
  const { findOrder, resolveOutcome } = createOutcomeTools(resources, caller);
  return {
    ...resources,
    orders: { ...resources.orders, find: findOrder },
    resolveOutcome,
    call: caller.call,
    prepare: async (service, params) => envelope.prepare(service, withDatesAsGatewayText(service, params) as never),
    notifications: createNotifications(envelope, envelope.config.logger),
    close: () => envelope.close(),
    get closed() {
      return envelope.closed;
    },
    withOptions(overrides) {
      const merged = { ...options, ...overrides };
      if ('baseUrl' in overrides && !('environment' in overrides)) delete merged.environment;
      if ('environment' in overrides && !('baseUrl' in overrides)) delete merged.baseUrl;
      if ('signer' in overrides && !('merchantPrivateKey' in overrides)) delete merged.merchantPrivateKey;
      if ('merchantPrivateKey' in overrides && !('signer' in overrides)) delete merged.signer;
      return buildCodePay(merged, envelope.withOptions(toTransportOptions(merged)));
    },
  };
}

/**
 * Creates a CodePay client. Every option is checked here: a wrong key, a non-HTTPS URL or a key pair that does not
 * match raises a ConfigurationError naming the option, before anything is sent.
 */
export function createCodePay(options: CodePayOptions): CodePay {
  return buildCodePay(options, createEnvelopeClient(toTransportOptions(options)));
}
