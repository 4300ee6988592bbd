// The merchant account's records — payers and orders — so that answers follow what was sent: the order created is
// the one queried, listed and refunded, and a list spans as many pages as there are orders. Prism still validates
// every request and supplies every field the mock does not track. A payer or order the mock has never seen (an
// order is known by its order_sn and linkID together) is not found, as on the real gateway — or, with
// `unknownRecords: 'examples'`, answered by Prism's static examples alone (the mock's behaviour before it kept
// records, still handy for a test about the examples). With generated data (`dynamic`) there is no state: every
// answer is Prism's.
import { randomUUID } from 'node:crypto';
import type { OrderStatus, PaymentOrderStatusEvent } from '@codepay/models';
import { formatUtcDateTime } from '@codepay/transport';
import type { Language } from './messages.js';

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
} as const satisfies Record<string, Readonly<Record<Language, string>>>;

export type StateFailureCode = keyof typeof STATE_FAILURES;

/** How a payer or order the mock never created is answered: not found (P0404, P0405), or from the spec's examples. */
export type UnknownRecords = 'not-found' | 'examples';
export const UNKNOWN_RECORDS_MODES: readonly UnknownRecords[] = ['not-found', 'examples'];

/** What a request changed in the merchant account: the payer or order as stored afterwards (a copy). */
export type StoredChange =
  | { kind: 'payer-created' | 'payer-updated'; payer: Record<string, unknown> }
  | { kind: 'order-created' | 'order-refunded'; order: Record<string, unknown> };

export type StateAnswer = { data: unknown; change?: StoredChange } | { failure: StateFailureCode };

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

const DAY_MS = 86_400_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

export class MerchantState {
  readonly #payers = new Map<number, Fields>();
  readonly #payerIdByEmail = new Map<string, number>();
  readonly #orders = new Map<string, StoredOrder>();
  #nextPayerId = 200_001;
  #nextOrder = 1;

  constructor(
    private readonly paymentPageBase: () => string,
    private readonly options: { enabled: boolean; unknownRecords: UnknownRecords },
  ) {}

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
      default:
        return { data: base };
    }
  }

  /** Moves a known order to `status` (e.g. `Paid`, as if the payer paid); returns it as a notification event. */
  setOrderStatus(orderSn: string, status: OrderStatus): PaymentOrderStatusEvent | undefined {
    const order = this.#orders.get(orderSn);
    if (!order) return undefined;
    order.status = status;
    return this.notificationEvent(orderSn);
  }

  /** A known order as the fields of a PaymentOrderStatus notification, or undefined. */
  notificationEvent(orderSn: string | undefined): PaymentOrderStatusEvent | undefined {
    const order = orderSn === undefined ? undefined : this.#orders.get(orderSn);
    if (!order) return undefined;
    const { order_sn, platform_order_sn, currency, amount, description, status, linkID, linkExpiry, creationTime } = order;
    return { order_sn, platform_order_sn, currency, amount, description, status, linkID, linkExpiry, creationTime, requestID: Number(order.requestID.slice(3)) };
  }

  /** A payer or order the mock never created: not found, or (`unknownRecords: 'examples'`) Prism's example data. */
  #unknown(example: Fields, failure: 'P0404' | 'P0405'): StateAnswer {
    return this.options.unknownRecords === 'examples' ? { data: example } : { failure };
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
    const { platform_order_sn, linkID, linkExpiry, status } = order;
    return {
      data: { order_sn: orderSn, platform_order_sn, linkID, linkExpiry, status, paymentUrl: `${this.paymentPageBase()}/pay/${linkID}` },
      change: { kind: 'order-created', order: { ...order } },
    };
  }

  #listOrders(params: Params): Fields {
    const pageNo = typeof params.pageNo === 'number' ? params.pageNo : 1;
    const pageSize = typeof params.pageSize === 'number' ? params.pageSize : 10;
    // Gateway date-times are fixed-width UTC text, so they compare correctly as strings.
    const matching = [...this.#orders.values()].filter(
      (o) => o.creationTime >= String(params.startTime) && o.creationTime <= String(params.endTime) && (params.status === undefined || o.status === params.status),
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
    return order && String(params.linkID).toUpperCase() === order.linkID ? order : undefined;
  }

  #refundOrder(base: Fields, params: Params): StateAnswer {
    const order = this.#known(params);
    if (!order) return this.#unknown(base, 'P0405');
    if (order.status !== 'Paid') return { failure: 'P0422' };
    order.status = 'RefundSubmitted';
    return { data: { ...base, message: 'Refund submitted' }, change: { kind: 'order-refunded', order: { ...order } } };
  }
}
