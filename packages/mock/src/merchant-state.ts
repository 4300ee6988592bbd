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
import type { OrderStatus, PaymentOrderStatusEvent } from '@codepay/models';
import { formatUtcDateTime } from '@codepay/transport';
import type { Language } from './messages.js';
import type { SandboxSessions } from './sandbox-sessions.js';
import { paymentBehaviour } from './test-cards.js';

type Params = Record<string, unknown>;
type Fields = Record<string, unknown>;

/** Business failures the account's rules produce (codes the mock decides, like P0400 for invalid params). */
export const STATE_FAILURES = {
  P0409: {
    'en-US': 'An order with this order_sn already exists',
    'zh-CN': '该 order_sn 的订单已存在',
    'ja-JP': 'この order_sn の注文は既に存在します',
    'fr-FR': 'Une commande avec ce order_sn existe déjà',
  },
  P0422: {
    'en-US': 'Only a paid order can be refunded',
    'zh-CN': '只有已支付的订单可以退款',
    'ja-JP': '返金できるのは支払済みの注文のみです',
    'fr-FR': 'Seule une commande payée peut être remboursée',
  },
  P0404: {
    'en-US': 'Payer not found',
    'zh-CN': '付款人不存在',
    'ja-JP': '支払者が見つかりません',
    'fr-FR': 'Payeur introuvable',
  },
  P0405: {
    'en-US': 'Order not found',
    'zh-CN': '订单不存在',
    'ja-JP': '注文が見つかりません',
    'fr-FR': 'Commande introuvable',
  },
  P0406: {
    'en-US': 'Card session not found: sessionCard and sessionCvc must be sessions made by this gateway',
    'zh-CN': '未找到卡会话：sessionCard 和 sessionCvc 必须是本网关生成的会话',
    'ja-JP':
      'カードセッションが見つかりません: sessionCard と sessionCvc はこのゲートウェイが発行したセッションである必要があります',
    'fr-FR':
      'Session de carte introuvable : sessionCard et sessionCvc doivent être des sessions émises par cette passerelle',
  },
  P0407: {
    'en-US': 'Transaction not found: transactionReference does not name a checkout of this order',
    'zh-CN': '未找到交易：transactionReference 不是该订单的结账记录',
    'ja-JP': '取引が見つかりません: transactionReference はこの注文のチェックアウトを指していません',
    'fr-FR': 'Transaction introuvable : transactionReference ne désigne aucun paiement initié pour cette commande',
  },
  P0408: {
    'en-US': 'Device data session not found: sessionId must come from the device data collection of this transaction',
    'zh-CN': '未找到设备数据会话：sessionId 必须来自该交易的设备数据采集',
    'ja-JP':
      'デバイスデータセッションが見つかりません: sessionId はこの取引のデバイスデータ収集で得たものである必要があります',
    'fr-FR':
      "Session de collecte des données de l'appareil introuvable : sessionId doit provenir de la collecte de cette transaction",
  },
  P0423: {
    'en-US': 'The order cannot be paid in its current status',
    'zh-CN': '订单当前状态不可支付',
    'ja-JP': '現在の状態ではこの注文を支払えません',
    'fr-FR': 'La commande ne peut pas être payée dans son état actuel',
  },
  P0424: {
    'en-US': 'This transaction has already been used for a payment',
    'zh-CN': '该交易已用于一次支付',
    'ja-JP': 'この取引はすでに支払いに使用されています',
    'fr-FR': 'Cette transaction a déjà servi à un paiement',
  },
} as const satisfies Record<string, Readonly<Record<Language, string>>>;

export type StateFailureCode = keyof typeof STATE_FAILURES;

/** How a payer or order the mock never created is answered: not found (P0404, P0405), or from the spec's examples. */
export type UnknownRecords = 'not-found' | 'examples';
export const UNKNOWN_RECORDS_MODES: readonly UnknownRecords[] = ['not-found', 'examples'];

/** What a request changed in the merchant account: the payer, order or card payment as stored afterwards (a copy). */
export type StoredChange =
  | { kind: 'payer-created' | 'payer-updated'; payer: Record<string, unknown> }
  | {
      /** `card-checkout`: checkoutOrder started the card payment `payment`; `card-payment`: payOrder paid, declined or challenged it. */
      kind: 'order-created' | 'order-refunded' | 'card-checkout' | 'card-payment';
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

interface StoredOrder {
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
}

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

export class MerchantState {
  readonly #payers = new Map<number, Fields>();
  readonly #payerIdByEmail = new Map<string, number>();
  readonly #orders = new Map<string, StoredOrder>();
  readonly #extras = new Map<string, OrderExtras>();
  readonly #payments = new Map<string, CardPayment>();
  readonly #paymentByChallenge = new Map<string, string>();
  /** transactionReference → what its test card does (kept apart so the payment records show no card behaviour). */
  readonly #cardBehaviours = new Map<string, { authorization: 'approved' | 'declined'; alwaysChallenge?: true }>();
  #nextPayerId = 200_001;
  #nextOrder = 1;

  constructor(
    private readonly baseUrl: () => string,
    private readonly options: MerchantStateOptions,
  ) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** The answer for a request Prism accepted, given Prism's mocked `data`. */
  answer(service: string, params: Params, mocked: unknown): StateAnswer {
    if (!this.options.enabled) return { data: mocked };
    const base = (typeof mocked === 'object' && mocked !== null ? mocked : {}) as Fields;
    switch (service) {
      case 'createPayer':
        return this.#createPayer(base, params);
      case 'getPayer': {
        const id = this.#payerIdByEmail.get(String(params.email));
        return id === undefined ? this.#unknown(base, 'P0404') : { data: this.#payers.get(id) };
      }
      case 'updatePayer':
        return this.#updatePayer(base, params);
      case 'createOrder':
        return this.#createOrder(params);
      case 'queryOrder': {
        const order = this.#known(params);
        return order ? { data: { ...base, outcome: order.status } } : this.#unknown(base, 'P0405');
      }
      case 'queryOrders': {
        const examples = this.#orders.size === 0 && this.options.unknownRecords === 'examples';
        return { data: examples ? base : this.#listOrders(params) };
      }
      case 'refundOrder':
        return this.#refundOrder(base, params);
      case 'checkoutOrder':
        return this.#checkout(base, params);
      case 'payOrder':
        return this.#pay(base, params);
      default:
        return { data: base };
    }
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
    const payerEmail = this.#payers.get(order.payerID)?.email;
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

  /** A payer or order the mock never created: not found, or (`unknownRecords: 'examples'`) Prism's example data. */
  #unknown(example: Fields, failure: 'P0404' | 'P0405'): StateAnswer {
    return this.options.unknownRecords === 'examples' ? { data: example } : { failure };
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

  #createPayer(base: Fields, params: Params): StateAnswer {
    const payer = { ...base, ...params, payerID: this.#nextPayerId++ };
    this.#payers.set(payer.payerID, payer);
    this.#payerIdByEmail.set(String(params.email), payer.payerID);
    return { data: payer, change: { kind: 'payer-created', payer: { ...payer } } };
  }

  #updatePayer(base: Fields, params: Params): StateAnswer {
    const id = Number(params.payerID);
    const stored = this.#payers.get(id);
    if (!stored) return this.#unknown({ ...base, ...params }, 'P0404');
    const payer = { ...stored, ...params };
    this.#payers.set(id, payer);
    this.#payerIdByEmail.set(String(params.email), id);
    return { data: payer, change: { kind: 'payer-updated', payer: { ...payer } } };
  }

  #createOrder(params: Params): StateAnswer {
    const orderSn = String(params.order_sn);
    if (this.#orders.has(orderSn)) return { failure: 'P0409' };
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
      status: 'New',
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
    const { platform_order_sn, linkID, linkExpiry, status } = order;
    return {
      data: {
        order_sn: orderSn,
        platform_order_sn,
        linkID,
        linkExpiry,
        status,
        paymentUrl: `${this.baseUrl()}/pay/${linkID}`,
      },
      change: { kind: 'order-created', order: { ...order } },
    };
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

  /** The order named by `order_sn` and `linkID` together; any other pair is an unknown order. */
  #known(params: Params): StoredOrder | undefined {
    const order = this.#orders.get(String(params.order_sn));
    return order && String(params.linkID).toUpperCase() === order.linkID ? this.#expireIfDue(order) : undefined;
  }

  #refundOrder(base: Fields, params: Params): StateAnswer {
    const order = this.#known(params);
    if (!order) return this.#unknown(base, 'P0405');
    if (order.status !== 'Paid') return { failure: 'P0422' };
    this.#move(order, 'RefundSubmitted', 'refundOrder');
    return { data: { ...base, message: 'Refund submitted' }, change: { kind: 'order-refunded', order: { ...order } } };
  }

  // --- card payments (contract §9): checkoutOrder → device data collection → payOrder → optional challenge ---

  #checkout(base: Fields, params: Params): StateAnswer {
    const order = this.#known(params);
    if (!order) return this.#unknown(base, 'P0405');
    if (!MerchantState.payable(order)) return { failure: 'P0423' };
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
        outcome: order.status,
        transactionReference,
        deviceDataCollection: { jwt, url: `${this.baseUrl()}/sandbox/ddc`, bin: card.bin },
      },
      change: { kind: 'card-checkout', order: { ...order }, payment: { ...payment } },
    };
  }

  #pay(base: Fields, params: Params): StateAnswer {
    const order = this.#known(params);
    if (!order) return this.#unknown(base, 'P0405');
    const payment = this.#payments.get(String(params.transactionReference));
    if (!payment || payment.order_sn !== order.order_sn) return { failure: 'P0407' };
    if (payment.stage !== 'checked-out') return { failure: 'P0424' };
    if (!MerchantState.payable(order)) return { failure: 'P0423' };
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
    const data: Fields = { outcome: order.status, transactionReference: payment.transactionReference };
    if (payment.authentication) data.authentication = payment.authentication;
    if (payment.challenge) data.challenge = payment.challenge;
    return { data, change: { kind: 'card-payment', order: { ...order }, payment: { ...payment } } };
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
