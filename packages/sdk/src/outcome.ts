// Learning what happened to a state-changing call whose answer was lost. The transport marks every error with
// `outcomeUnknown`; for those that are `true`, the SDK remembers which call failed (service, the params as sent,
// when they were sent) and `resolveOutcome(error)` reads the result back from the gateway:
//   createOrder  → the order with that order_sn, found with queryOrders in a window around the send time
//   refundOrder  → the order's status (queryOrder): a Refund* status means the refund was taken
//   createPayer  → the payer with that email (getPayer), compared with what was sent
//   updatePayer  → the payer with the email sent (getPayer), compared with what was sent
//   payOrder     → the order's status (queryOrder): still New means the payment was not made
//   checkoutOrder → nothing to read back (the order stays New): unknown, and a fresh checkout is the recovery
// What is remembered stays inside this module (a WeakMap keyed by the error): nothing of it is put on the error,
// which callers log.
import { services, type GetPayerResult, type Order, type ServiceName } from '@codepay/models';
import { isCodePayError } from '@codepay/transport';
import type { Resources } from './gen/resources.gen.js';
import type { RequestOptions, ServiceCaller } from './service-caller.js';

/** The answer of {@link CodePay.resolveOutcome}. */
export type OutcomeResolution =
  /** The change was made: `data` is what was read back (the order, the payer, or the order's status). */
  | { outcome: 'happened'; service: ServiceName; detail: string; data: unknown }
  /** The change was not made: sending the same call again is safe. */
  | { outcome: 'not-happened'; service: ServiceName | undefined; detail: string }
  /** It still cannot be told: `reason` says why; try again later, or reconcile by hand. */
  | { outcome: 'unknown'; service: ServiceName | undefined; reason: string };

export interface ResolveOutcomeOptions {
  /**
   * How long after the request was sent the read-back waits before trusting a "not found" (default 5000 ms): the
   * gateway may still be working on a request whose answer was lost. Pass 0 when the gateway is known to be done
   * (tests, the mock).
   */
  settleMs?: number;
  /** Per-call options for the read-back calls (signal, timeout, deadline). */
  requestOptions?: RequestOptions;
}

export interface FindOrderParams {
  order_sn: string;
  /** Start of the search window (creation time); default 7 days ago. */
  from?: Date;
  /** End of the search window; default 15 minutes from now (clock skew). */
  to?: Date;
}

interface FailedCall {
  service: ServiceName;
  params: Record<string, unknown>;
  sentAt: Date | undefined;
}

const failedCalls = new WeakMap<object, FailedCall>();
const DEFAULT_SETTLE_MS = 5_000;
const DEFAULT_FIND_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
const CLOCK_SKEW_MS = 15 * 60 * 1000;
const PAYER_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'areaCode',
  'phone',
  'address',
  'city',
  'province',
  'postcode',
  'country',
] as const;

/** Called by the SDK for every failed call: remembers what a later resolveOutcome needs (state-changing calls only). */
export function rememberFailedCall(error: unknown, service: ServiceName, params: unknown): void {
  if (!isCodePayError(error)) return;
  // Whatever failed before the transport ran (e.g. an Invalid Date) was refused before sending.
  error.outcomeUnknown ??= false;
  // Any value may arrive as the service name from plain JavaScript: only own keys of a string name a service.
  const definition = typeof service === 'string' && Object.hasOwn(services, service) ? services[service] : undefined;
  if (definition?.retry !== 'unsafe' || typeof params !== 'object' || params === null) return;
  failedCalls.set(error, { service, params: params as Record<string, unknown>, sentAt: error.sentAt });
}

const sameText = (a: unknown, b: unknown) =>
  String(a ?? '')
    .trim()
    .toLowerCase() ===
  String(b ?? '')
    .trim()
    .toLowerCase();
const differingPayerFields = (sent: Record<string, unknown>, found: Record<string, unknown>) =>
  PAYER_FIELDS.filter((field) => field in sent && !sameText(sent[field], found[field]));

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

export function createOutcomeTools(resources: Resources, caller: ServiceCaller) {
  /** queryOrders needs no linkID: page through the window (100 orders a page) until the order_sn turns up. */
  async function findOrder(params: FindOrderParams, options?: RequestOptions): Promise<Order | undefined> {
    const now = Date.now();
    const startTime = params.from ?? new Date(now - DEFAULT_FIND_WINDOW_MS);
    const endTime = params.to ?? new Date(now + CLOCK_SKEW_MS);
    for await (const order of resources.orders.list({ startTime, endTime, pageSize: 100 }, options)) {
      if (order.order_sn === params.order_sn) return order;
    }
    return undefined;
  }

  async function readPayer(email: unknown, options: RequestOptions | undefined): Promise<GetPayerResult | undefined> {
    try {
      return await caller.call('getPayer', { email: String(email) }, options);
    } catch (error) {
      // The gateway's "no such payer" is a business failure; anything else is not an answer.
      if (isCodePayError(error, 'BusinessError')) return undefined;
      throw error;
    }
  }

  async function readBack(call: FailedCall, options: RequestOptions | undefined): Promise<OutcomeResolution> {
    const { service, params } = call;
    switch (service) {
      case 'createOrder': {
        const sentAt = call.sentAt?.getTime() ?? Date.now();
        const order = await findOrder(
          {
            order_sn: String(params.order_sn),
            from: new Date(sentAt - CLOCK_SKEW_MS),
            to: new Date(Date.now() + CLOCK_SKEW_MS),
          },
          options,
        );
        if (!order) {
          return {
            outcome: 'not-happened',
            service,
            detail: `No order ${String(params.order_sn)} exists: createOrder did not take effect, and sending it again is safe.`,
          };
        }
        const same =
          Number(order.amount) === Number(params.amount) &&
          sameText(order.currency, params.currency) &&
          (order.payerID == null || sameText(order.payerID, params.payerID));
        return same
          ? {
              outcome: 'happened',
              service,
              detail: `Order ${order.order_sn} was created (status ${order.status}, linkID ${order.linkID ?? 'not given'}).`,
              data: order,
            }
          : {
              outcome: 'unknown',
              service,
              reason: `An order ${order.order_sn} exists but with another amount, currency or payer: it is not the one this call sent.`,
            };
      }
      case 'refundOrder': {
        const { outcome: status } = await caller.call(
          'queryOrder',
          { order_sn: String(params.order_sn), linkID: String(params.linkID) },
          options,
        );
        if (typeof status === 'string' && status.startsWith('Refund')) {
          return {
            outcome: 'happened',
            service,
            detail: `The refund was taken: the order's status is ${status}.`,
            data: { outcome: status },
          };
        }
        if (status === 'Paid')
          return {
            outcome: 'not-happened',
            service,
            detail: 'The order is still Paid: the refund did not take effect, and sending it again is safe.',
          };
        return {
          outcome: 'unknown',
          service,
          reason: `The order's status is ${String(status)}, which says nothing about this refund.`,
        };
      }
      case 'payOrder': {
        const { outcome: status } = await caller.call(
          'queryOrder',
          { order_sn: String(params.order_sn), linkID: String(params.linkID) },
          options,
        );
        if (status === 'New')
          return {
            outcome: 'not-happened',
            service,
            detail: 'The order is still New: no payment was made, and sending payOrder again is safe.',
          };
        const challenged =
          status === 'Processing'
            ? ' The 3-D Secure challenge was in the lost answer: start again with checkoutOrder, or wait for the notification.'
            : '';
        return {
          outcome: 'happened',
          service,
          detail: `The payment was taken up: the order's status is ${String(status)}.${challenged}`,
          data: { outcome: status },
        };
      }
      case 'checkoutOrder':
        return {
          outcome: 'unknown',
          service,
          reason:
            'A checkout leaves the order New, so nothing can be read back; it moves no money: start again with a fresh checkoutOrder.',
        };
      case 'createPayer':
      case 'updatePayer': {
        const payer = await readPayer(params.email, options);
        if (!payer)
          return {
            outcome: 'not-happened',
            service,
            detail: `No payer has the email sent: ${service} did not take effect, and sending it again is safe.`,
          };
        const differing = differingPayerFields(params, payer as unknown as Record<string, unknown>);
        if (service === 'updatePayer' && !sameText(payer.payerID, params.payerID)) {
          return { outcome: 'unknown', service, reason: 'The email sent belongs to another payerID.' };
        }
        if (differing.length === 0)
          return {
            outcome: 'happened',
            service,
            detail: `The payer ${String(payer.payerID)} has the details sent.`,
            data: payer,
          };
        return service === 'updatePayer'
          ? {
              outcome: 'not-happened',
              service,
              detail: `The payer's ${differing.join(', ')} are not the ones sent: the update did not take effect, and sending it again is safe.`,
            }
          : {
              outcome: 'unknown',
              service,
              reason: `A payer with this email exists with another ${differing.join(', ')}: it may predate this call.`,
            };
      }
      default:
        return { outcome: 'unknown', service, reason: `There is no read-back for ${service}.` };
    }
  }

  async function resolveOutcome(error: unknown, options: ResolveOutcomeOptions = {}): Promise<OutcomeResolution> {
    if (!isCodePayError(error))
      return { outcome: 'unknown', service: undefined, reason: 'This is not an error of the CodePay SDK.' };
    const service = (error as { service?: ServiceName }).service;
    if (error.outcomeUnknown === false) {
      return {
        outcome: 'not-happened',
        service,
        detail: `The call was refused or never sent (${error.name}): nothing happened, and sending it again is safe once the cause is fixed.`,
      };
    }
    const call = failedCalls.get(error);
    if (!call) {
      return {
        outcome: 'unknown',
        service,
        reason:
          'This error did not come from a state-changing call of this SDK (or its outcome is not recorded): check the order or payer by hand.',
      };
    }
    const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    await delay((call.sentAt?.getTime() ?? 0) + settleMs - Date.now(), options.requestOptions?.signal);
    try {
      return await readBack(call, options.requestOptions);
    } catch (readError) {
      const why = isCodePayError(readError) ? `${readError.name}: ${readError.message}` : 'an unexpected error';
      return {
        outcome: 'unknown',
        service: call.service,
        reason: `Reading the result back failed (${why}); try again later.`,
      };
    }
  }

  return { findOrder, resolveOutcome };
}
