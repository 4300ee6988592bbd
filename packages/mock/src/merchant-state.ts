// The merchant account's records — payers, orders and their card payments — so that answers follow what was sent:
// the order created is the one queried, listed, paid and refunded, and a list spans as many pages as there are
// orders. Prism still validates every request and supplies every field the mock does not track. A payer or order
// the mock has never seen (an order is known by its order_sn and linkID together) is not found, as on the real
// gateway — or, with `unknownRecords: 'examples'`, answered by Prism's static examples alone (the mock's behaviour
// before it kept records, still handy for a test about the examples). With generated data (`dynamic`) there is no
// state: every answer is Prism's.
//
// Every change of an order's status — a refund, a card payment, an action of a test or of the dashboard — is
// reported to `onStatusChange`, which turns it into a PaymentOrderStatus notification.
import { randomBytes, randomUUID } from 'node:crypto';
import { services, type OrderStatus, type PaymentOrderStatusEvent, type ServiceName } from '@codepay/models';
import { formatUtcDateTime } from '@codepay/transport';
import {
  entities,
  sandboxMessages,
  serviceStates,
  type ChangeKinds,
  type EntityName,
  type SandboxMessageCode,
  type ServiceState,
} from './gen/merchant-model.gen.js';
import type { Language } from './messages.js';
import type { SandboxSessions } from './sandbox-sessions.js';
import { paymentBehaviour } from './test-cards.js';

type Params = Record<string, unknown>;
type Fields = Record<string, unknown>;

/**
 * The errorMessage of each business failure the account's records produce, in each language (spec:
 * `x-codepay-sandbox-messages`; codes the mock decides, like P0400 for invalid params).
 */
export const STATE_FAILURES: { readonly [C in SandboxMessageCode]: Readonly<Record<Language, string>> } =
  sandboxMessages;

export type StateFailureCode = SandboxMessageCode;

/** How a payer or order the mock never created is answered: not found (P0404, P0405), or from the spec's examples. */
export type UnknownRecords = 'not-found' | 'examples';
export const UNKNOWN_RECORDS_MODES: readonly UnknownRecords[] = ['not-found', 'examples'];

/** What a request changed in the merchant account: the payer, order or card payment as stored afterwards (a copy). */
/** `kind` is the `change` its service declares in the spec (`x-codepay-state`), e.g. `order-created`. */
export type StoredChange =
  | { kind: ChangeKinds['payer']; payer: Record<string, unknown> }
  | {
      /** `card-checkout`: checkoutOrder started the card payment `payment`; `card-payment`: payOrder paid, declined or challenged it. */
      kind: ChangeKinds['order'];
      order: Record<string, unknown>;
      /** The card payment, for `card-checkout` and `card-payment`. */
      payment?: Record<string, unknown>;
    };

export type StateAnswer = { data: unknown; change?: StoredChange } | { failure: StateFailureCode };

/** Where a card payment stands. */
export type CardPaymentStage = 'checked-out' | 'challenged' | 'paid' | 'failed';

/** A card payment attempt: made by checkoutOrder, moved on by payOrder and the 3-D Secure challenge. */
export interface CardPayment {
  transactionReference: string;
  order_sn: string;
  createdAt: string;
  cardHolderName: string;
  relationship: string;
  card: { brand: string; bin: string; last4: string };
  stage: CardPaymentStage;
  /** Why a failed payment failed, in words. */
  failure?: string;
  sessionId?: string;
  userAgent?: string;
  authentication?: { version: string; authenticationValue: string; eci: string; transactionId: string };
  challenge?: { reference: string; url: string; jwt: string; payload: string };
}

/** A status change, as reported to `onStatusChange`: the order as a notification event, and what caused it. */
export interface StatusChange {
  event: PaymentOrderStatusEvent;
  previous: OrderStatus;
  cause: string;
}

export interface MerchantStateOptions {
  enabled: boolean;
  unknownRecords: UnknownRecords;
  sessions: SandboxSessions;
  onStatusChange?: (change: StatusChange) => void;
}

type StoredOrder = {
  order_sn: string;
  platform_order_sn: string;
  currency: string;
  amount: number;
  payerID: number;
  purposeOfTransaction: string;
  description: string;
  status: OrderStatus;
  requestID: string;
  linkID: string;
  linkExpiry: string;
  creationTime: string;
};

/** What the mock keeps beside the listed fields: the checkout page shows them, notifications carry failTimes. */
interface OrderExtras {
  product: string;
  domain: string;
  failTimes: number;
  payments: string[];
}

/** An order as the dashboard, the control API and the checkout page see it. */
export type OrderView = StoredOrder & { product: string; domain: string; failTimes: number; payments: CardPayment[] };

/** What a control action or a challenge answer did, or why it could not. */
export type ActionResult<T> = { ok: true; value: T } | { ok: false; httpStatus: 404 | 409; message: string };

export const ORDER_ACTIONS = ['pay', 'decline', 'expire', 'settle-refund'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

const ACTION_RULES: Record<OrderAction, { from: readonly OrderStatus[]; to: OrderStatus; words: string }> = {
  pay: { from: ['New', 'Processing'], to: 'Paid', words: 'paid' },
  decline: { from: ['New', 'Processing'], to: 'Failed', words: 'declined' },
  expire: { from: ['New', 'Processing'], to: 'Expired', words: 'expired' },
  'settle-refund': {
    from: ['RefundRequest', 'RefundSubmitted', 'RefundResubmitted', 'RefundInProgress'],
    to: 'RefundCompleted',
    words: 'refund settled',
  },
};

const DAY_MS = 86_400_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `2023-11-08 07:30:07.899+0000`, the notification samples' timestamp format. */
function notificationTime(date: Date): string {
  return `${formatUtcDateTime(date)}.${pad(date.getUTCMilliseconds(), 3)}+0000`;
}

/** Milliseconds since the epoch of the gateway's `yyyy-MM-dd HH:mm:ss` (UTC). */
function gatewayTime(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

/** What an entity step is given: the record found, the params, and the refusal of the service's `from`. */
interface StepCall<R> {
  record: R;
  params: Params;
  /** The service's refusal when the record is not in one of its `from` statuses; the step decides when to ask. */
  refused: () => StateFailureCode | undefined;
}

/** What a step did: a failure, or the answer fields it made and the card payment it touched. */
type StepResult = { failure: StateFailureCode } | { data: Fields; payment: CardPayment };

/**
 * What differs per entity: how a record is made, compared, brought up to date, moved, shown and listed, and the
 * steps the spec cannot say in data. Everything else — which service does what — is the spec's `x-codepay-state`.
 */
interface EntityRecords<R extends Fields = Fields> {
  /** Every record, oldest first. */
  all(): Iterable<R>;
  /** Whether the stored value of a key field is the one asked for. */
  same(field: string, stored: unknown, asked: unknown): boolean;
  /** The record as it is now (an order whose link expired while New becomes Expired when looked at). */
  current(record: R): R;
  create(params: Params, base: Fields, status: string | undefined): R;
  setStatus(record: R, status: string, cause: string): void;
  /** The fields an answer may take from the record. */
  shown(record: R): Fields;
  list?(params: Params, base: Fields): Fields;
  steps: { readonly [step: string]: (call: StepCall<R>) => StepResult };
}

const asFields = (value: unknown): Fields => (typeof value === 'object' && value !== null ? (value as Fields) : {});

export class MerchantState {
  readonly #payers = new Map<string, Fields>();
  readonly #orders = new Map<string, StoredOrder>();
  readonly #extras = new Map<string, OrderExtras>();
  readonly #payments = new Map<string, CardPayment>();
  readonly #paymentByChallenge = new Map<string, string>();
  /** transactionReference → what its test card does (kept apart so the payment records show no card behaviour). */
  readonly #cardBehaviours = new Map<string, { authorization: 'approved' | 'declined'; alwaysChallenge?: true }>();
  readonly #entities: { readonly [E in EntityName]: EntityRecords };
  #nextPayerId = 200_001;
  #nextOrder = 1;

  constructor(
    private readonly baseUrl: () => string,
    private readonly options: MerchantStateOptions,
  ) {
    this.#entities = { payer: this.#payerRecords(), order: this.#orderRecords() as unknown as EntityRecords };
    for (const [service, state] of Object.entries(serviceStates) as [string, ServiceState | null][]) {
      const records = state && this.#entities[state.entity];
      if (state && state.action === 'list' && !records?.list)
        throw new Error(`${service}: the mock cannot list a ${state.entity}`);
      if (state?.step && !records?.steps[state.step])
        throw new Error(`${service}: the mock has no step ${state.step} for a ${state.entity}`);
    }
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  /**
   * The answer for a request Prism accepted, given Prism's mocked `data`: what the service's `x-codepay-state`
   * declares — create, read, update, move or list a record — done on the records.
   */
  answer(service: string, params: Params, mocked: unknown): StateAnswer {
    if (!this.options.enabled) return { data: mocked };
    const base = asFields(mocked);
    const state = Object.hasOwn(serviceStates, service) ? serviceStates[service as ServiceName] : null;
    if (!state) return { data: base };
    const records = this.#entities[state.entity];
    const resultFields = services[service as ServiceName].resultFields;
    if (state.action === 'list') return { data: records.list!(params, base) };
    if (state.action === 'create') {
      if (state.key.length > 0 && this.#find(records, state.key, params))
        return { failure: state.refusal as StateFailureCode };
      return this.#answered(state, resultFields, base, records.create(params, base, state.to[0]));
    }
    const record = this.#find(records, state.key, params);
    if (!record) {
      // Unknown: not found, or (unknownRecords: 'examples') the example answer with the params fields it has.
      if (this.options.unknownRecords !== 'examples')
        return { failure: entities[state.entity].notFound as StateFailureCode };
      const asked = Object.fromEntries(Object.entries(params).filter(([field]) => resultFields.includes(field)));
      return { data: { ...base, ...asked } };
    }
    const refused = () =>
      state.from.length === 0 || state.from.includes(String(record.status))
        ? undefined
        : (state.refusal as StateFailureCode);
    if (state.step) {
      const done = records.steps[state.step]!({ record, params, refused });
      if ('failure' in done) return done;
      if (state.action === 'move' && !state.to.includes(String(record.status))) {
        throw new Error(
          `${service}: step ${state.step} left the ${state.entity} ${String(record.status)}, not one of ${state.to.join(', ')}`,
        );
      }
      return this.#answered(state, resultFields, base, record, done);
    }
    const failure = refused();
    if (failure) return { failure };
    if (state.action === 'update') {
      for (const field of entities[state.entity].fields)
        if (Object.hasOwn(params, field)) record[field] = params[field];
    }
    if (state.action === 'move') records.setStatus(record, state.to[0]!, service);
    return this.#answered(state, resultFields, base, record);
  }

  /** The newest record whose key fields are all the ones asked for, as it is now. */
  #find(records: EntityRecords, key: readonly string[], params: Params): Fields | undefined {
    const all = [...records.all()];
    for (let i = all.length - 1; i >= 0; i -= 1) {
      const record = all[i]!;
      if (key.every((field) => records.same(field, record[field], params[field]))) return records.current(record);
    }
    return undefined;
  }

  /**
   * The answer's data: the result fields the record has, those `answer` maps from another record field, and a
   * step's own fields (a step answers for itself; otherwise Prism's example fills what the record lacks), with the
   * change the service declares, as a copy.
   */
  #answered(
    state: ServiceState,
    resultFields: readonly string[],
    base: Fields,
    record: Fields,
    step?: { data: Fields; payment: CardPayment },
  ): StateAnswer {
    const shown = this.#entities[state.entity].shown(record);
    const data: Fields = step ? {} : { ...base };
    for (const field of resultFields) if (shown[field] !== undefined) data[field] = shown[field];
    for (const [resultField, recordField] of Object.entries(state.answer)) data[resultField] = shown[recordField];
    Object.assign(data, step?.data);
    if (!state.change) return { data };
    const change = {
      kind: state.change,
      [state.entity]: { ...record },
      ...(step ? { payment: { ...step.payment } } : {}),
    } as StoredChange;
    return { data, change };
  }

  #payerRecords(): EntityRecords {
    return {
      all: () => this.#payers.values(),
      same: (_field, stored, asked) => String(stored) === String(asked),
      current: (payer) => payer,
      create: (params, base) => {
        const payer = { ...base, ...params, payerID: this.#nextPayerId++ };
        this.#payers.set(String(payer.payerID), payer);
        return payer;
      },
      setStatus: () => {
        throw new Error('a payer has no status');
      },
      shown: (payer) => payer,
      steps: {},
    };
  }

  #orderRecords(): EntityRecords<StoredOrder> {
    return {
      all: () => this.#orders.values(),
      // linkID is upper case when stored and compared case-insensitively.
      same: (field, stored, asked) =>
        field === 'linkID' ? String(asked).toUpperCase() === stored : String(stored) === String(asked),
      current: (order) => this.#expireIfDue(order),
      create: (params, _base, status) => this.#createOrder(params, status as OrderStatus),
      setStatus: (order, status, cause) => this.#move(order, status as OrderStatus, cause),
      shown: (order) => ({ ...order, paymentUrl: `${this.baseUrl()}/pay/${order.linkID}` }),
      list: (params, base) =>
        this.#orders.size === 0 && this.options.unknownRecords === 'examples' ? base : this.#listOrders(params),
      steps: {
        'card-checkout': (call) => this.#checkout(call),
        'card-payment': (call) => this.#pay(call),
      },
    };
  }

  /** Moves a known order to `status` (e.g. `Paid`, as if the payer paid); returns it as a notification event. */
  setOrderStatus(
    orderSn: string,
    status: OrderStatus,
    cause = 'set by a test (setOrderStatus)',
  ): PaymentOrderStatusEvent | undefined {
    const order = this.#orders.get(orderSn);
    if (!order) return undefined;
    this.#move(order, status, cause);
    return this.notificationEvent(orderSn);
  }

  /** A dashboard or control-API action on an order: pay, decline, expire, or settle its refund. */
  orderAction(orderSn: string, action: OrderAction): ActionResult<OrderView> {
    const order = this.#orders.get(orderSn);
    if (!order) return { ok: false, httpStatus: 404, message: `No order ${orderSn} was created through this gateway.` };
    const rule = ACTION_RULES[action];
    if (!rule.from.includes(order.status)) {
      return {
        ok: false,
        httpStatus: 409,
        message: `Order ${orderSn} is ${order.status}: only an order that is ${rule.from.join(' or ')} can be ${rule.words}.`,
      };
    }
    if (action === 'decline') this.#extra(order).failTimes += 1;
    if (action === 'expire') order.linkExpiry = formatUtcDateTime(new Date());
    this.#move(order, rule.to, `${action} (dashboard or control API)`);
    return { ok: true, value: this.#view(order) };
  }

  /** A known order as the fields of a PaymentOrderStatus notification, or undefined. */
  notificationEvent(orderSn: string | undefined): PaymentOrderStatusEvent | undefined {
    const order = orderSn === undefined ? undefined : this.#orders.get(orderSn);
    if (!order) return undefined;
    const { order_sn, platform_order_sn, currency, amount, description, status, linkID, linkExpiry, creationTime } =
      order;
    const payerEmail = this.#payers.get(String(order.payerID))?.email;
    return {
      order_sn,
      platform_order_sn,
      currency,
      amount,
      description,
      status,
      linkID,
      linkExpiry,
      creationTime,
      requestID: Number(order.requestID.slice(3)),
      payerEmail: typeof payerEmail === 'string' ? payerEmail : null,
      requestTime: notificationTime(new Date()),
      failTimes: this.#extra(order).failTimes,
    };
  }

  // --- what the dashboard, the control API and the checkout page read ---

  payers(): Fields[] {
    return [...this.#payers.values()].map((payer) => ({ ...payer }));
  }

  orders(): OrderView[] {
    return [...this.#orders.values()].map((order) => this.#view(this.#expireIfDue(order)));
  }

  order(orderSn: string): OrderView | undefined {
    const order = this.#orders.get(orderSn);
    return order && this.#view(this.#expireIfDue(order));
  }

  /** The order whose payment link has this linkID (case-insensitive), as the checkout page shows it. */
  orderByLink(linkID: string): OrderView | undefined {
    const wanted = linkID.toUpperCase();
    const order = [...this.#orders.values()].find((candidate) => candidate.linkID === wanted);
    return order && this.#view(this.#expireIfDue(order));
  }

  /** Whether the order's link can still be used to pay (status New and the link not expired). */
  static payable(order: Pick<StoredOrder, 'status' | 'linkExpiry'>, now = Date.now()): boolean {
    return order.status === 'New' && !(gatewayTime(order.linkExpiry) < now);
  }

  /** The card payment waiting for (or done with) the challenge `reference`, with its order. */
  challenge(reference: string): { payment: CardPayment; order: OrderView } | undefined {
    const payment = this.#payments.get(this.#paymentByChallenge.get(reference) ?? '');
    const order = payment && this.#orders.get(payment.order_sn);
    return payment && order ? { payment: { ...payment }, order: this.#view(order) } : undefined;
  }

  /**
   * The payer's answer to a 3-D Secure challenge (on the challenge page, or by a control call): `pass` authenticates
   * the payment, which is then authorized (Paid, or Failed for a declined card); `fail` fails it (Failed).
   */
  answerChallenge(
    reference: string,
    result: 'pass' | 'fail',
  ): ActionResult<{ status: OrderStatus; payment: CardPayment }> {
    const payment = this.#payments.get(this.#paymentByChallenge.get(reference) ?? '');
    const order = payment && this.#orders.get(payment.order_sn);
    if (!payment || !order)
      return { ok: false, httpStatus: 404, message: `No 3-D Secure challenge ${reference} is known to this gateway.` };
    if (payment.stage !== 'challenged') {
      return {
        ok: false,
        httpStatus: 409,
        message: `The challenge ${reference} was already answered: the payment is ${payment.stage}.`,
      };
    }
    if (order.status !== 'Processing') {
      return {
        ok: false,
        httpStatus: 409,
        message: `Order ${order.order_sn} is no longer waiting for this challenge: it is ${order.status}.`,
      };
    }
    if (result === 'fail') {
      this.#fail(order, payment, 'the payer failed the 3-D Secure challenge');
    } else {
      payment.authentication = this.#authentication(payment);
      this.#authorize(order, payment, 'the payer passed the 3-D Secure challenge');
    }
    return { ok: true, value: { status: order.status, payment: { ...payment } } };
  }

  #extra(order: StoredOrder): OrderExtras {
    let extra = this.#extras.get(order.order_sn);
    if (!extra) {
      extra = { product: '', domain: '', failTimes: 0, payments: [] };
      this.#extras.set(order.order_sn, extra);
    }
    return extra;
  }

  #view(order: StoredOrder): OrderView {
    const { product, domain, failTimes, payments } = this.#extra(order);
    return {
      ...order,
      product,
      domain,
      failTimes,
      payments: payments.flatMap((reference) => {
        const payment = this.#payments.get(reference);
        return payment ? [{ ...payment }] : [];
      }),
    };
  }

  #move(order: StoredOrder, status: OrderStatus, cause: string): void {
    const previous = order.status;
    if (previous === status) return;
    order.status = status;
    const event = this.notificationEvent(order.order_sn);
    if (event) this.options.onStatusChange?.({ event, previous, cause });
  }

  /** A New order whose link has expired becomes Expired when it is next looked at (with its notification). */
  #expireIfDue(order: StoredOrder): StoredOrder {
    if (order.status === 'New' && gatewayTime(order.linkExpiry) < Date.now())
      this.#move(order, 'Expired', 'the payment link expired');
    return order;
  }

  #createOrder(params: Params, status: OrderStatus): StoredOrder {
    const orderSn = String(params.order_sn);
    const now = Date.now();
    const creationTime = formatUtcDateTime(new Date(now));
    const number = this.#nextOrder++;
    const order: StoredOrder = {
      order_sn: orderSn,
      platform_order_sn: `SS${creationTime.replace(/\D/g, '')}${pad(number, 6)}`,
      currency: String(params.currency),
      amount: Number(params.amount),
      payerID: Number(params.payerID),
      purposeOfTransaction: String(params.purposeOfTransaction),
      description: String(params.description),
      status,
      requestID: `REQ${pad(number, 9)}`,
      linkID: randomUUID().toUpperCase(),
      linkExpiry: formatUtcDateTime(new Date(now + DAY_MS)),
      creationTime,
    };
    this.#orders.set(orderSn, order);
    this.#extras.set(orderSn, {
      product: String(params.product ?? ''),
      domain: String(params.domain ?? ''),
      failTimes: 0,
      payments: [],
    });
    return order;
  }

  #listOrders(params: Params): Fields {
    const pageNo = typeof params.pageNo === 'number' ? params.pageNo : 1;
    const pageSize = typeof params.pageSize === 'number' ? params.pageSize : 10;
    // Gateway date-times are fixed-width UTC text, so they compare correctly as strings.
    const matching = [...this.#orders.values()]
      .map((order) => this.#expireIfDue(order))
      .filter(
        (o) =>
          o.creationTime >= String(params.startTime) &&
          o.creationTime <= String(params.endTime) &&
          (params.status === undefined || o.status === params.status),
      );
    const first = (pageNo - 1) * pageSize;
    const orders = matching.slice(first, first + pageSize).map((o) => ({ ...o }));
    return {
      total: matching.length,
      current_page: pageNo,
      per_page: pageSize,
      from: orders.length > 0 ? first + 1 : null,
      to: orders.length > 0 ? first + orders.length : null,
      last_page: Math.max(1, Math.ceil(matching.length / pageSize)),
      orders,
    };
  }

  // --- card payments (contract §9): checkoutOrder → device data collection → payOrder → optional challenge ---

  /** Step card-checkout: the order must still be payable (the service's `from`), the sessions the sandbox's. */
  #checkout({ record: order, params, refused }: StepCall<StoredOrder>): StepResult {
    const failure = refused();
    if (failure) return { failure };
    const card = this.options.sessions.cardSession(params.sessionCard);
    if (!card || !this.options.sessions.isCvcSession(params.sessionCvc)) return { failure: 'P0406' };
    const transactionReference = randomUUID();
    const payment: CardPayment = {
      transactionReference,
      order_sn: order.order_sn,
      createdAt: formatUtcDateTime(new Date()),
      cardHolderName: String(params.cardHolderName),
      relationship: String(params.relationship),
      card: { brand: card.brand, bin: card.bin, last4: card.last4 },
      stage: 'checked-out',
    };
    this.#payments.set(transactionReference, payment);
    this.#cardBehaviours.set(transactionReference, {
      authorization: card.authorization,
      ...(card.alwaysChallenge ? { alwaysChallenge: true as const } : {}),
    });
    this.#extra(order).payments.push(transactionReference);
    // Worldpay's DDC JWT names the attempt in ReferenceId; the DDC page reads it to bind the sessionId it yields.
    const jwt = this.options.sessions.signJwt({
      OrgUnitId: 'codepay-mock',
      ReferenceId: transactionReference,
      ObjectifyPayload: true,
    });
    return {
      data: {
        transactionReference,
        deviceDataCollection: { jwt, url: `${this.baseUrl()}/sandbox/ddc`, bin: card.bin },
      },
      payment,
    };
  }

  /** Step card-payment: the payment's own checks come first, then the order's status (the service's `from`). */
  #pay({ record: order, params, refused }: StepCall<StoredOrder>): StepResult {
    const payment = this.#payments.get(String(params.transactionReference));
    if (!payment || payment.order_sn !== order.order_sn) return { failure: 'P0407' };
    if (payment.stage !== 'checked-out') return { failure: 'P0424' };
    const failure = refused();
    if (failure) return { failure };
    if (this.options.sessions.deviceDataFor(params.sessionId) !== payment.transactionReference)
      return { failure: 'P0408' };
    payment.sessionId = String(params.sessionId);
    payment.userAgent = String(params.userAgent);

    const behaviour = paymentBehaviour(this.#cardOf(payment), payment.cardHolderName);
    if (behaviour.threeDs === 'challenge') {
      const reference = randomUUID();
      const payload = Buffer.from(
        JSON.stringify({
          messageType: 'CReq',
          messageVersion: '2.2.0',
          threeDSServerTransID: randomUUID(),
          acsTransID: randomUUID(),
          challengeWindowSize: '05',
        }),
      ).toString('base64url');
      const jwt = this.options.sessions.signJwt({
        OrgUnitId: 'codepay-mock',
        ReferenceId: payment.transactionReference,
        ChallengeReference: reference,
        ObjectifyPayload: true,
      });
      payment.stage = 'challenged';
      payment.challenge = { reference, url: `${this.baseUrl()}/sandbox/challenge/${reference}`, jwt, payload };
      this.#paymentByChallenge.set(reference, payment.transactionReference);
      this.#move(order, 'Processing', 'payOrder: a 3-D Secure challenge awaits the payer');
    } else if (behaviour.threeDs === 'authentication-failed') {
      this.#fail(order, payment, '3-D Secure authentication failed');
    } else {
      payment.authentication = this.#authentication(payment);
      this.#authorize(order, payment, 'payOrder (frictionless)');
    }
    const data: Fields = { transactionReference: payment.transactionReference };
    if (payment.authentication) data.authentication = payment.authentication;
    if (payment.challenge) data.challenge = payment.challenge;
    return { data, payment };
  }

  /** What the payment's test card does, as its card session said at checkout. */
  #cardOf(payment: CardPayment): { authorization: 'approved' | 'declined'; alwaysChallenge?: true } {
    return this.#cardBehaviours.get(payment.transactionReference) ?? { authorization: 'approved' };
  }

  #authentication(payment: CardPayment): NonNullable<CardPayment['authentication']> {
    return {
      version: '2.2.0',
      // A CAVV/UCAF is 20 bytes, Base64.
      authenticationValue: randomBytes(20).toString('base64'),
      eci: payment.card.brand === 'Mastercard' ? '02' : '05',
      transactionId: randomUUID(),
    };
  }

  /** After 3-D Secure: the issuer approves (Paid) or declines (Failed) the card. */
  #authorize(order: StoredOrder, payment: CardPayment, cause: string): void {
    const behaviour = paymentBehaviour(this.#cardOf(payment), payment.cardHolderName);
    if (behaviour.authorization === 'declined') {
      this.#fail(order, payment, 'the card was declined by the issuer');
      return;
    }
    payment.stage = 'paid';
    this.#move(order, 'Paid', cause);
  }

  #fail(order: StoredOrder, payment: CardPayment, why: string): void {
    payment.stage = 'failed';
    payment.failure = why;
    this.#extra(order).failTimes += 1;
    this.#move(order, 'Failed', why);
  }
}
