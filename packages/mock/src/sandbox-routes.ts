// Everything the mock serves besides the API: the dashboard (`/`), the payment link and its checkout page
// (`/pay/<linkID>`), the stand-ins for the browser-side pieces of a card payment (`/sandbox/sessions/…`,
// `/sandbox/ddc`, `/sandbox/challenge/…`) and the control API (`/sandbox/api/…`). The README's "Sandbox" section
// lists every route.
//
// Who may call what: the stand-ins a merchant's own checkout page calls from the payer's browser (sessions, DDC)
// answer any origin (CORS), as Worldpay's do. The control API, the dashboard and the payment page's own actions
// answer only their own origin — a state-changing request from a page of another site (its `Origin` header) is
// refused, so no web page can move orders behind a developer's back — and, when the gateway listens on loopback,
// only requests addressed to a loopback host name (no DNS rebinding).

import { orderStatuses, services, type OrderStatus, type PaymentOrderStatusEvent } from '@codepay/models';
import type { GatewayContext, GatewayRequest, RecordFields } from './gateway-context.js';
import { headerValue, type Answer } from './http-io.js';
import { dashboardPage } from './dashboard.js';
import { messagePage } from './html.js';
import { MerchantState, ORDER_ACTIONS, STATE_FAILURES, type OrderAction, type OrderView } from './merchant-state.js';
import { checkoutPage, challengePage, deviceDataPage, resultPage } from './payment-pages.js';
import type { RecordedRequest } from './request-log.js';
import type { ScenarioText } from './scenarios.js';
import type { NotificationDelivery } from './webhooks.js';

export const SANDBOX_PREFIX = '/sandbox/';
export const PAYMENT_LINK_PREFIX = '/pay/';

/** The documented order statuses, from the spec (`x-codepay-statuses` on OrderStatus). */
const ORDER_STATUSES = Object.keys(orderStatuses) as OrderStatus[];

/** What the control API can do beyond the context: the gateway's own methods. */
export interface SandboxControls {
  context: GatewayContext;
  requests: () => readonly RecordedRequest[];
  clearRequests(): void;
  queueScenario(
    scenario: ScenarioText,
    options: { times?: number; endpoint?: 'pay' | 'token'; service?: string },
  ): void;
  clearScenarios(): void;
  expireTokens(): void;
  queuedScenarios(): { scenario: string; remaining: number; service?: string }[];
  /** Whether the gateway listens on a loopback interface only. */
  loopbackOnly: boolean;
}

export interface SandboxRequest extends GatewayRequest {
  query: URLSearchParams;
}

/** A sandbox answer; `record` when it is one of the payment page's checkoutOrder or payOrder calls (logged). */
export interface SandboxAnswer {
  answer: Answer;
  record?: RecordFields;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type, accept',
  'access-control-max-age': '600',
};

const NO_STORE = { 'cache-control': 'no-store' };

function json(status: number, body: unknown, headers: Readonly<Record<string, string>> = NO_STORE): SandboxAnswer {
  return { answer: { kind: 'json', status, body, headers } };
}

function problem(status: number, error: string, headers?: Readonly<Record<string, string>>): SandboxAnswer {
  return json(status, { error }, headers);
}

/** The body as an object: JSON, or a form (`application/x-www-form-urlencoded`, as the DDC and challenge forms post). */
function bodyFields(request: GatewayRequest): Record<string, unknown> | undefined {
  const text = request.body.text;
  if (request.body.tooLarge) return undefined;
  if (text.trim() === '') return {};
  const type = headerValue(request, 'content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/** A refusal when the request may not use the control API or the dashboard, else undefined. */
function refuseForeign(
  controls: SandboxControls,
  request: GatewayRequest,
  stateChanging: boolean,
): SandboxAnswer | undefined {
  const host = headerValue(request, 'host') ?? '';
  if (controls.loopbackOnly && !LOOPBACK_HOST.test(host)) {
    return problem(
      403,
      `The sandbox answers requests for a loopback host (127.0.0.1, localhost) only; this one was for ${JSON.stringify(host)}.`,
    );
  }
  const origin = headerValue(request, 'origin');
  if (stateChanging && origin !== undefined && origin !== `http://${host}`) {
    return problem(
      403,
      `Requests from another site (${origin}) may not change the sandbox; use its own pages, or call it without a browser.`,
    );
  }
  return undefined;
}

export async function handleSandbox(
  controls: SandboxControls,
  request: SandboxRequest,
): Promise<SandboxAnswer | undefined> {
  const { path, method } = request;
  const read = method === 'GET' || method === 'HEAD';
  if (path === '/' && read) return refuseForeign(controls, request, false) ?? { answer: dashboard(controls) };
  if (path.startsWith(PAYMENT_LINK_PREFIX)) return paymentLink(controls, request);
  if (!path.startsWith(SANDBOX_PREFIX)) return undefined;
  const rest = path.slice(SANDBOX_PREFIX.length).split('/').map(decodeURIComponent);
  switch (rest[0]) {
    case 'sessions':
      return sessions(controls.context, request, rest[1]);
    case 'ddc':
      return deviceData(controls.context, request, rest[1]);
    case 'challenge':
      return challenge(controls, request, rest[1] ?? '', rest[2]);
    case 'api':
      return refuseForeign(controls, request, !read) ?? controlApi(controls, request, rest.slice(1));
    default:
      return problem(
        404,
        `No sandbox route ${method} ${path}; see GET /sandbox/api for the control API and the README for the rest.`,
      );
  }
}

function dashboard(controls: SandboxControls): Answer {
  const { context } = controls;
  return dashboardPage({
    url: context.url(),
    appId: context.keys.appId,
    notifyUrl: context.notifications.url,
    requests: controls.requests(),
    orders: context.state.orders(),
    payers: context.state.payers(),
    notifications: context.notifications.deliveries,
    tokens: context.tokens.list(),
    scenarios: controls.queuedScenarios(),
    services: context.prism.services,
    stateful: context.state.enabled,
  });
}

// --- the payment link: /pay/<linkID>, /pay/<linkID>/result, and the page's checkout and pay calls ---

function unknownLink(controls: SandboxControls): Answer {
  const why = controls.context.state.enabled
    ? 'No order of this gateway has this payment link. Check the link, or create the order first (createOrder answers its paymentUrl).'
    : 'This gateway runs with generated data (dynamic): it keeps no orders, so it has no payment links.';
  return messagePage(404, 'Payment link not found', [why]);
}

async function paymentLink(controls: SandboxControls, request: SandboxRequest): Promise<SandboxAnswer> {
  const [linkID = '', action, ...extra] = request.path
    .slice(PAYMENT_LINK_PREFIX.length)
    .split('/')
    .map(decodeURIComponent);
  const { state } = controls.context;
  const order = state.enabled ? state.orderByLink(linkID) : undefined;
  const read = request.method === 'GET' || request.method === 'HEAD';
  if (extra.length > 0) return { answer: unknownLink(controls) };
  if (action === undefined || action === '' || action === 'result') {
    if (!read) return problem(405, `${request.method} is not allowed here; the payment page is read with GET.`);
    if (!order) return { answer: unknownLink(controls) };
    if (action === 'result' || !MerchantState.payable(order))
      return { answer: linkStatusPage(order, request.query.get('transactionReference')) };
    const payer = controls.context.state.payers().find((p) => p.payerID === order.payerID);
    const payerName = payer ? `${String(payer.firstName ?? '')} ${String(payer.lastName ?? '')}`.trim() : undefined;
    return { answer: checkoutPage({ order, payerName }) };
  }
  if (action !== 'checkout' && action !== 'pay') return { answer: unknownLink(controls) };
  if (request.method !== 'POST') return problem(405, `Use POST for /pay/<linkID>/${action}.`);
  const refused = refuseForeign({ ...controls, loopbackOnly: false }, request, true);
  if (refused) return refused;
  if (!order) return problem(404, 'No order of this gateway has this payment link.');
  return pageCall(controls.context, request, order, action === 'checkout' ? 'checkoutOrder' : 'payOrder');
}

function linkStatusPage(order: OrderView, transactionReference: string | null): Answer {
  if (order.status === 'Expired' || (order.status === 'New' && !MerchantState.payable(order))) {
    return messagePage(410, 'This payment link has expired', [
      `Order ${order.order_sn} can no longer be paid (its link expired on ${order.linkExpiry} UTC). Ask the merchant for a new one.`,
    ]);
  }
  const payment = order.payments.find((p) => p.transactionReference === transactionReference) ?? order.payments.at(-1);
  return resultPage(order, payment);
}

/**
 * The checkout page's checkoutOrder and payOrder: validated against the same contract, answered by the same rules
 * as through /api/v2/pay (the page plays the merchant server's part), and logged with endpoint `payment-page`.
 */
function pageCall(
  context: GatewayContext,
  request: GatewayRequest,
  order: OrderView,
  service: 'checkoutOrder' | 'payOrder',
): SandboxAnswer {
  const fields = bodyFields(request);
  if (!fields) return problem(400, 'The body must be a JSON object.');
  const params = { ...fields, order_sn: order.order_sn, linkID: order.linkID };
  const record: RecordFields = { service, params, psn: request.psn, outcome: 'ok' };
  const validate = services[service].validateParams;
  if (!validate(params)) {
    const message = `Invalid parameters: ${(validate.errors ?? []).map((e) => `${e.instancePath || 'the body'} ${e.message ?? 'is invalid'}`).join('; ')}`;
    return {
      ...problem(400, message),
      record: {
        ...record,
        httpStatus: 400,
        outcome: 'invalid-params',
        code: 'P0400',
        answer: { status: -1, errorCode: 'P0400', errorMessage: message, data: null },
      },
    };
  }
  const answered = context.state.answer(service, params, {});
  if ('failure' in answered) {
    const message = STATE_FAILURES[answered.failure][request.language];
    const payload = { status: -1, errorCode: answered.failure, errorMessage: message, data: null };
    return {
      answer: { kind: 'json', status: 409, body: { code: answered.failure, message }, headers: NO_STORE },
      record: { ...record, httpStatus: 409, outcome: 'business-error', code: answered.failure, answer: payload },
    };
  }
  return {
    answer: { kind: 'json', status: 200, body: answered.data, headers: NO_STORE },
    record: {
      ...record,
      httpStatus: 200,
      answer: { status: 0, errorCode: null, errorMessage: null, data: answered.data },
      ...(answered.change ? { change: answered.change } : {}),
    },
  };
}

// --- the stand-ins for the browser-side pieces ---

function sessions(context: GatewayContext, request: GatewayRequest, kind: string | undefined): SandboxAnswer {
  if (kind !== 'card' && kind !== 'cvc')
    return problem(
      404,
      'Card and CVC sessions are made with POST /sandbox/sessions/card and POST /sandbox/sessions/cvc.',
      CORS,
    );
  if (request.method === 'OPTIONS') return { answer: { kind: 'empty', status: 204, headers: CORS } };
  if (request.method !== 'POST') return problem(405, `Use POST for /sandbox/sessions/${kind}.`, CORS);
  const fields = bodyFields(request);
  if (!fields) return problem(400, 'The body must be a JSON object.', CORS);
  const made =
    kind === 'card'
      ? context.sessions.createCardSession(fields, context.url())
      : context.sessions.createCvcSession(fields, context.url());
  return made.ok ? json(201, made.value, CORS) : problem(400, made.message, CORS);
}

/** `/sandbox/ddc` (the DDC form's target: a page) and `/sandbox/ddc/session` (the same as JSON). */
function deviceData(context: GatewayContext, request: SandboxRequest, sub: string | undefined): SandboxAnswer {
  if (request.method === 'OPTIONS') return { answer: { kind: 'empty', status: 204, headers: CORS } };
  const fields = request.method === 'GET' ? Object.fromEntries(request.query) : bodyFields(request);
  const jwt = fields?.JWT ?? fields?.jwt;
  const claims = context.sessions.verifyJwt(jwt);
  const reference = typeof claims?.ReferenceId === 'string' ? claims.ReferenceId : undefined;
  const problemText =
    jwt === undefined
      ? 'no JWT was posted'
      : 'the JWT was not made by this gateway (use deviceDataCollection.jwt from checkoutOrder)';
  if (sub === 'session') {
    if (request.method !== 'POST') return problem(405, 'Use POST for /sandbox/ddc/session.', CORS);
    return reference
      ? json(200, { sessionId: context.sessions.collectDeviceData(reference) }, CORS)
      : problem(400, `Device data collection failed: ${problemText}.`, CORS);
  }
  if (sub !== undefined) return problem(404, 'No such device data collection route.');
  if (request.method !== 'GET' && request.method !== 'POST')
    return problem(405, 'Use POST (a form with JWT and Bin) or GET for /sandbox/ddc.');
  return {
    answer: reference
      ? deviceDataPage(context.sessions.collectDeviceData(reference))
      : deviceDataPage(undefined, problemText),
  };
}

function challenge(
  controls: SandboxControls,
  request: GatewayRequest,
  reference: string,
  sub: string | undefined,
): SandboxAnswer {
  const { state } = controls.context;
  if (sub === 'answer') {
    if (request.method !== 'POST') return problem(405, 'Use POST for /sandbox/challenge/<reference>/answer.');
    const refused = refuseForeign({ ...controls, loopbackOnly: false }, request, true);
    if (refused) return refused;
    return answerChallenge(controls.context, request, reference);
  }
  if (sub !== undefined) return problem(404, 'No such challenge route.');
  if (request.method !== 'GET' && request.method !== 'POST')
    return problem(405, 'Use GET, or POST the challenge form, for /sandbox/challenge/<reference>.');
  const found = state.challenge(reference);
  if (!found)
    return {
      answer: messagePage(404, 'Challenge not found', ['No 3-D Secure challenge of this gateway has this reference.']),
    };
  return { answer: challengePage(reference, found.order, found.payment) };
}

function answerChallenge(context: GatewayContext, request: GatewayRequest, reference: string): SandboxAnswer {
  const result = bodyFields(request)?.result;
  if (result !== 'pass' && result !== 'fail')
    return problem(400, 'The body must be {"result":"pass"} or {"result":"fail"}.');
  const answered = context.state.answerChallenge(reference, result);
  if (!answered.ok) return problem(answered.httpStatus, answered.message);
  return json(200, {
    status: answered.value.status,
    transactionReference: answered.value.payment.transactionReference,
    stage: answered.value.payment.stage,
  });
}

// --- the control API ---

const CONTROL_ROUTES = [
  'GET    /sandbox/api/requests?limit=N&service=S   the request log (newest last)',
  'DELETE /sandbox/api/requests                     empty the request log',
  'GET    /sandbox/api/payers                       the payers created',
  'GET    /sandbox/api/orders                       the orders created, with their card payments',
  'GET    /sandbox/api/orders/<order_sn>            one order',
  'POST   /sandbox/api/orders/<order_sn>/status     {"status":"Paid"}: move the order to any documented status',
  'POST   /sandbox/api/orders/<order_sn>/pay        New or Processing → Paid',
  'POST   /sandbox/api/orders/<order_sn>/decline    New or Processing → Failed',
  'POST   /sandbox/api/orders/<order_sn>/expire     New or Processing → Expired',
  'POST   /sandbox/api/orders/<order_sn>/settle-refund  a Refund… status → RefundCompleted',
  'GET    /sandbox/api/scenarios                    the queued scenarios',
  'POST   /sandbox/api/scenarios                    {"scenario":"http-503","times":2,"service":"createOrder","endpoint":"pay"}',
  'DELETE /sandbox/api/scenarios                    drop the queued scenarios',
  'GET    /sandbox/api/tokens                       the issued tokens (shortened)',
  'POST   /sandbox/api/tokens/expire                expire every token',
  'GET    /sandbox/api/notifications                the notifications and their delivery attempts',
  'POST   /sandbox/api/notifications                {"order_sn":"…"} or {"event":{…}}, optional "url": send a notification',
  'POST   /sandbox/api/notifications/<id>/resend    send a notification again (optional {"url":"…"})',
  'GET    /sandbox/api/notify-url                   the notification URL',
  'PUT    /sandbox/api/notify-url                   {"url":"http://…"} or {"url":null}',
  'POST   /sandbox/api/challenges/<reference>       {"result":"pass"} or {"result":"fail"}: answer a 3-D Secure challenge',
];

function controlApi(controls: SandboxControls, request: SandboxRequest, route: string[]): SandboxAnswer {
  const { context } = controls;
  const { method } = request;
  const [resource = '', id, action] = route;
  const fields = method === 'GET' || method === 'DELETE' || method === 'HEAD' ? {} : bodyFields(request);
  if (!fields) return problem(400, 'The body must be a JSON object.');
  const unknown = () =>
    problem(
      404,
      `No control route ${method} ${request.path}. The routes: ${CONTROL_ROUTES.map((r) => r.split(/\s{2,}/)[0]).join(', ')}.`,
    );
  try {
    switch (resource) {
      case '':
        return method === 'GET' ? json(200, { routes: CONTROL_ROUTES }) : unknown();
      case 'requests': {
        if (method === 'DELETE' && id === undefined) {
          controls.clearRequests();
          return json(200, { requests: [] });
        }
        if (method !== 'GET' || id !== undefined) return unknown();
        const service = request.query.get('service');
        const asked = Number(request.query.get('limit') ?? '1000');
        const limit = Number.isFinite(asked) && asked >= 1 ? Math.floor(asked) : 1000;
        const entries = controls.requests().filter((entry) => service === null || entry.service === service);
        return json(200, { total: entries.length, requests: entries.slice(-limit) });
      }
      case 'payers':
        return method === 'GET' && id === undefined ? json(200, { payers: context.state.payers() }) : unknown();
      case 'orders':
        return orders(context, method, id, action, fields);
      case 'scenarios':
        return scenarios(controls, method, id, fields);
      case 'tokens':
        if (method === 'GET' && id === undefined) return json(200, { tokens: context.tokens.list() });
        if (method === 'POST' && id === 'expire') {
          controls.expireTokens();
          return json(200, { tokens: context.tokens.list() });
        }
        return unknown();
      case 'notifications':
        return notifications(context, method, id, action, fields);
      case 'notify-url':
        if (method === 'GET' && id === undefined) return json(200, { url: context.notifications.url ?? null });
        if (method === 'PUT' && id === undefined) {
          const url = fields.url;
          if (url !== null && typeof url !== 'string')
            return problem(400, 'The body must be {"url":"http://…"} or {"url":null}.');
          context.notifications.url = url === null || url === '' ? undefined : url;
          return json(200, { url: context.notifications.url ?? null });
        }
        return unknown();
      case 'challenges':
        return method === 'POST' && id !== undefined && action === undefined
          ? answerChallenge(context, request, id)
          : unknown();
      default:
        return unknown();
    }
  } catch (error) {
    if (
      error instanceof RangeError ||
      error instanceof TypeError ||
      (error instanceof Error && error.name === 'ScenarioSyntaxError')
    )
      return problem(400, error.message);
    throw error;
  }
}

function orders(
  context: GatewayContext,
  method: string,
  orderSn: string | undefined,
  action: string | undefined,
  fields: Record<string, unknown>,
): SandboxAnswer {
  const { state } = context;
  if (!state.enabled) return problem(409, 'This gateway runs with generated data (dynamic): it keeps no orders.');
  if (orderSn === undefined)
    return method === 'GET' ? json(200, { orders: state.orders() }) : problem(405, 'Use GET for /sandbox/api/orders.');
  const order = state.order(orderSn);
  if (!order) return problem(404, `No order ${orderSn} was created through this gateway.`);
  if (action === undefined)
    return method === 'GET' ? json(200, { order }) : problem(405, 'Use GET for /sandbox/api/orders/<order_sn>.');
  if (method !== 'POST') return problem(405, `Use POST for /sandbox/api/orders/<order_sn>/${action}.`);
  if (action === 'status') {
    const status = fields.status;
    if (typeof status !== 'string' || !ORDER_STATUSES.includes(status as OrderStatus)) {
      return problem(
        400,
        `The body must be {"status":"…"} with a documented order status: ${ORDER_STATUSES.join(', ')}.`,
      );
    }
    state.setOrderStatus(orderSn, status as OrderStatus, 'set through the control API');
    return json(200, { order: state.order(orderSn) });
  }
  if (!(ORDER_ACTIONS as readonly string[]).includes(action))
    return problem(404, `No order action ${action}; the actions: status, ${ORDER_ACTIONS.join(', ')}.`);
  const done = state.orderAction(orderSn, action as OrderAction);
  return done.ok ? json(200, { order: done.value }) : problem(done.httpStatus, done.message);
}

function scenarios(
  controls: SandboxControls,
  method: string,
  id: string | undefined,
  fields: Record<string, unknown>,
): SandboxAnswer {
  if (id !== undefined) return problem(404, 'Use /sandbox/api/scenarios.');
  if (method === 'GET') return json(200, { queued: controls.queuedScenarios() });
  if (method === 'DELETE') {
    controls.clearScenarios();
    return json(200, { queued: [] });
  }
  if (method !== 'POST') return problem(405, 'Use GET, POST or DELETE for /sandbox/api/scenarios.');
  const { scenario, times, endpoint, service } = fields;
  if (typeof scenario !== 'string' || scenario.trim() === '')
    return problem(400, 'The body must name a "scenario", e.g. {"scenario":"http-503","times":2}.');
  if (times !== undefined && typeof times !== 'number') return problem(400, '"times" must be a positive integer.');
  if (endpoint !== undefined && endpoint !== 'pay' && endpoint !== 'token')
    return problem(400, '"endpoint" must be "pay" or "token".');
  if (service !== undefined && typeof service !== 'string')
    return problem(400, '"service" must be a service name, e.g. "createOrder".');
  controls.queueScenario(scenario as ScenarioText, {
    ...(times === undefined ? {} : { times }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(service === undefined ? {} : { service }),
  });
  return json(201, { queued: controls.queuedScenarios() });
}

function notifications(
  context: GatewayContext,
  method: string,
  id: string | undefined,
  action: string | undefined,
  fields: Record<string, unknown>,
): SandboxAnswer {
  const dispatcher = context.notifications;
  const url = typeof fields.url === 'string' ? fields.url : undefined;
  if (id === undefined) {
    if (method === 'GET') return json(200, { url: dispatcher.url ?? null, notifications: dispatcher.deliveries });
    if (method !== 'POST') return problem(405, 'Use GET or POST for /sandbox/api/notifications.');
    const event = fields.event;
    if (event !== undefined && (typeof event !== 'object' || event === null || Array.isArray(event)))
      return problem(400, '"event" must be an object of PaymentOrderStatus fields.');
    const orderSn =
      typeof fields.order_sn === 'string' ? fields.order_sn : (event as { order_sn?: unknown } | undefined)?.order_sn;
    const known = typeof orderSn === 'string' ? context.state.notificationEvent(orderSn) : undefined;
    if (typeof fields.order_sn === 'string' && !known)
      return problem(404, `No order ${fields.order_sn} was created through this gateway.`);
    if (url === undefined && dispatcher.url === undefined)
      return problem(
        409,
        'There is no notification URL: pass "url", or set one with PUT /sandbox/api/notify-url (or --notify-url).',
      );
    const delivery: NotificationDelivery = dispatcher.enqueue(
      { ...known, ...(event as Partial<PaymentOrderStatusEvent> | undefined) },
      'sent through the control API',
      url === undefined ? {} : { url },
    );
    return json(201, { notification: delivery });
  }
  if (method === 'GET' && action === undefined) {
    const delivery = dispatcher.deliveries.find((d) => d.id === id);
    return delivery ? json(200, { notification: delivery }) : problem(404, `No notification ${id}.`);
  }
  if (method === 'POST' && action === 'resend') {
    if (url === undefined && dispatcher.url === undefined)
      return problem(
        409,
        'There is no notification URL: pass "url", or set one with PUT /sandbox/api/notify-url (or --notify-url).',
      );
    const delivery = dispatcher.resend(id, url);
    return delivery ? json(201, { notification: delivery }) : problem(404, `No notification ${id}.`);
  }
  return problem(404, `No control route ${method} /sandbox/api/notifications/${id}${action ? `/${action}` : ''}.`);
}
