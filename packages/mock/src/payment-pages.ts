// The payer's pages: the checkout page at an order's payment link, its result page, and the stand-ins for the
// browser-side pieces of a card payment (contract §9) — the device data collection (DDC) page that yields a
// `sessionId`, and the 3-D Secure challenge page. The checkout page walks the documented flow exactly as a
// merchant's own page would: card and CVC sessions → checkoutOrder → DDC in a hidden iframe → payOrder → the
// challenge in an iframe when one is asked for → the result.

import type { CardPayment, OrderView } from './merchant-state.js';
import { escapeHtml, header, htmlPage, scriptJson } from './html.js';
import type { Answer } from './http-io.js';
import { DECLINED_TEST_CARD, DEFAULT_TEST_CARD, groupedCardNumber, MAGIC_NAMES, TEST_CARDS } from './test-cards.js';

const RELATIONSHIPS = [
  'CUSTOMER',
  'FRIEND',
  'RELATIVE',
  'EMPLOYEE',
  'DIRECTOR_SENIOR_MANAGEMENT',
  'BUSINESS_OWNER_SHAREHOLDER',
];

/** `USD 99.99` */
export function money(order: Pick<OrderView, 'currency' | 'amount'>): string {
  return `${order.currency} ${Number(order.amount).toFixed(2)}`;
}

function products(order: OrderView): string[] {
  return order.product
    .split('||')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function orderSummary(order: OrderView): string {
  const items = products(order);
  return (
    `<dl class="summary">` +
    `<dt>Amount</dt><dd class="amount" id="amount">${escapeHtml(money(order))}</dd>` +
    `<dt>Description</dt><dd>${escapeHtml(order.description)}</dd>` +
    (items.length > 0
      ? `<dt>Products</dt><dd><ul style="margin:0;padding-left:18px">${items.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></dd>`
      : '') +
    (order.domain ? `<dt>Merchant</dt><dd>${escapeHtml(order.domain)}</dd>` : '') +
    `<dt>Order</dt><dd class="mono">${escapeHtml(order.order_sn)}</dd>` +
    `<dt>Link expires</dt><dd>${escapeHtml(order.linkExpiry)} UTC</dd>` +
    `</dl>`
  );
}

function testValuesHelp(): string {
  const cards = TEST_CARDS.map(
    (card) =>
      `<tr><td class="mono">${escapeHtml(groupedCardNumber(card.number))}</td><td>${escapeHtml(card.brand)}</td><td>${escapeHtml(card.description)}</td></tr>`,
  ).join('');
  const names = MAGIC_NAMES.map(
    (magic) =>
      `<tr><td class="mono">${magic.names.map(escapeHtml).join('<br>')}</td><td>${escapeHtml(magic.description)}</td></tr>`,
  ).join('');
  return (
    `<details><summary class="small">Test cards and cardholder names</summary>` +
    `<table><tr><th>Card number</th><th>Brand</th><th>What it does</th></tr>${cards}</table>` +
    `<p class="small">Any expiry date in the future and any three-digit CVC. Cardholder names that steer 3-D Secure (any other name is frictionless):</p>` +
    `<table><tr><th>Cardholder name</th><th>What happens</th></tr>${names}</table></details>`
  );
}

export interface CheckoutPageInput {
  order: OrderView;
  /** The payer's name, to fill the cardholder name. */
  payerName: string | undefined;
}

export function checkoutPage({ order, payerName }: CheckoutPageInput): Answer {
  const year = new Date().getUTCFullYear() + 3;
  const body =
    `${header('Pay an order')}<main>` +
    `<section class="card"><h1>Pay ${escapeHtml(money(order))}</h1>${orderSummary(order)}</section>` +
    `<section class="card"><h2>Card</h2><form id="card-form" autocomplete="off" novalidate>` +
    `<label for="card-number">Card number</label><input id="card-number" name="cardNumber" inputmode="numeric" value="${escapeHtml(groupedCardNumber(DEFAULT_TEST_CARD.number))}">` +
    `<div class="row"><div><label for="expiry">Expiry (MM/YY)</label><input id="expiry" name="expiry" value="12/${String(year).slice(2)}"></div>` +
    `<div><label for="cvc">CVC</label><input id="cvc" name="cvc" inputmode="numeric" value="123"></div></div>` +
    `<label for="cardholder">Cardholder name</label><input id="cardholder" name="cardHolderName" value="${escapeHtml(payerName ?? 'Test Payer')}">` +
    `<label for="relationship">Your relationship with the merchant</label><select id="relationship" name="relationship">${RELATIONSHIPS.map((r) => `<option>${r}</option>`).join('')}</select>` +
    `<div class="actions"><button type="submit" class="primary" id="pay">Pay</button><button type="button" class="danger" id="decline">Decline</button></div>` +
    `<p class="small">Pay walks the card flow with the card above; Decline walks it with the declined test card ${escapeHtml(groupedCardNumber(DECLINED_TEST_CARD.number))}.</p>` +
    `<p id="status" class="status" role="status"></p></form>${testValuesHelp()}</section>` +
    `<section class="card" id="challenge-box" hidden><h2>Confirm with your bank</h2><p class="small">3-D Secure: your bank asks you to confirm this payment.</p>` +
    `<iframe class="challenge" name="challenge-frame" id="challenge-frame" title="3-D Secure challenge"></iframe></section>` +
    `<iframe name="ddc-frame" id="ddc-frame" title="Device data collection" style="display:none"></iframe>` +
    `</main>`;
  const script = `
const CONFIG = ${scriptJson({ linkID: order.linkID, declinedCard: DECLINED_TEST_CARD.number })};
const $ = (id) => document.getElementById(id);
const status = (text, kind) => { const s = $('status'); s.textContent = text; s.className = 'status ' + (kind || ''); };
async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message || answer.error || ('HTTP ' + response.status));
  return answer;
}
function postForm(action, target, fields) {
  const form = document.createElement('form');
  form.method = 'POST'; form.action = action; form.target = target; form.style.display = 'none';
  for (const [name, value] of Object.entries(fields)) { const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input); }
  document.body.appendChild(form); form.submit(); form.remove();
}
function waitForMessage(type, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { window.removeEventListener('message', listen); reject(new Error('no answer from the ' + type + ' step within ' + ms / 1000 + ' s')); }, ms);
    function listen(event) {
      if (event.origin !== location.origin) return;
      let data; try { data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data; } catch { return; }
      if (!data || data.MessageType !== type) return;
      clearTimeout(timer); window.removeEventListener('message', listen); resolve(data);
    }
    window.addEventListener('message', listen);
  });
}
async function walk(cardNumber) {
  const [month, year] = $('expiry').value.split('/').map((part) => part.trim());
  status('Creating the card and CVC sessions…');
  const { sessionCard } = await post('/sandbox/sessions/card', { cardNumber, expiryMonth: month, expiryYear: year });
  const { sessionCvc } = await post('/sandbox/sessions/cvc', { cvc: $('cvc').value });
  status('Starting the payment (checkoutOrder)…');
  const checkout = await post('/pay/' + CONFIG.linkID + '/checkout', { cardHolderName: $('cardholder').value, relationship: $('relationship').value, sessionCard, sessionCvc });
  status('Collecting device data…');
  const collected = waitForMessage('profile.completed', 15000);
  postForm(checkout.deviceDataCollection.url, 'ddc-frame', { JWT: checkout.deviceDataCollection.jwt, Bin: checkout.deviceDataCollection.bin });
  const ddc = await collected;
  if (!ddc.Status) throw new Error('device data collection failed');
  status('Paying (payOrder)…');
  const paid = await post('/pay/' + CONFIG.linkID + '/pay', { transactionReference: checkout.transactionReference, sessionId: ddc.SessionId, userAgent: navigator.userAgent });
  if (paid.challenge) {
    status('Your bank asks you to confirm the payment below.');
    $('challenge-box').hidden = false;
    const answered = waitForMessage('challenge.completed', 10 * 60 * 1000);
    postForm(paid.challenge.url, 'challenge-frame', { JWT: paid.challenge.jwt, creq: paid.challenge.payload || '' });
    await answered;
  }
  location.assign('/pay/' + CONFIG.linkID + '/result?transactionReference=' + encodeURIComponent(checkout.transactionReference));
}
function start(cardNumber) {
  $('pay').disabled = true; $('decline').disabled = true;
  walk(cardNumber.replace(/\\s+/g, '')).catch((error) => { status(error.message, 'error'); $('pay').disabled = false; $('decline').disabled = false; });
}
$('card-form').addEventListener('submit', (event) => { event.preventDefault(); start($('card-number').value); });
$('decline').addEventListener('click', () => start(CONFIG.declinedCard));
`;
  return htmlPage({ title: `Pay ${money(order)}`, body, script });
}

const OUTCOMES: Record<string, { title: string; words: string; kind: string }> = {
  Paid: { title: 'Payment complete', words: 'The payment was accepted: the order is Paid.', kind: 'ok' },
  Failed: { title: 'Payment declined', words: 'The payment was declined: the order is Failed.', kind: 'error' },
  Processing: {
    title: 'Payment in progress',
    words: 'The payment is waiting for the 3-D Secure challenge: the order is Processing.',
    kind: '',
  },
  Expired: {
    title: 'Payment link expired',
    words: 'This payment link has expired: the order is Expired and can no longer be paid.',
    kind: 'error',
  },
  New: { title: 'Not paid yet', words: 'No payment has been made for this order yet: it is New.', kind: '' },
};

export function resultPage(order: OrderView, payment: CardPayment | undefined): Answer {
  const outcome = OUTCOMES[order.status] ?? {
    title: `Order ${order.status}`,
    words: `The order is ${order.status}.`,
    kind: '',
  };
  const details = payment
    ? `<dl class="summary" style="margin-top:12px"><dt>Card</dt><dd>${escapeHtml(payment.card.brand)} •••• ${escapeHtml(payment.card.last4)}</dd>` +
      `<dt>Transaction</dt><dd class="mono">${escapeHtml(payment.transactionReference)}</dd>` +
      (payment.failure ? `<dt>Why</dt><dd>${escapeHtml(payment.failure)}</dd>` : '') +
      (payment.authentication
        ? `<dt>3-D Secure</dt><dd>authenticated (version ${escapeHtml(payment.authentication.version)}, ECI ${escapeHtml(payment.authentication.eci)})</dd>`
        : '') +
      `</dl>`
    : '';
  const retry =
    order.status === 'New' ? `<p><a href="/pay/${escapeHtml(order.linkID)}">Back to the payment page</a></p>` : '';
  const body =
    `${header('Payment result')}<main><section class="card"><h1 id="result-title" class="${outcome.kind}">${escapeHtml(outcome.title)}</h1>` +
    `<p id="result">${escapeHtml(outcome.words)}</p>${orderSummary(order)}${details}${retry}` +
    `<p class="small">The merchant learns the result from the PaymentOrderStatus notification (and can read it with queryOrder).</p></section></main>`;
  return htmlPage({ title: outcome.title, body });
}

/**
 * The DDC page (the form target of `deviceDataCollection.url`): it tells its parent window, as Cardinal's DDC page
 * does, `{"MessageType":"profile.completed","SessionId":"0_…","Status":true}` (a JSON string), or Status false.
 */
export function deviceDataPage(sessionId: string | undefined, problem?: string): Answer {
  const message = sessionId
    ? { MessageType: 'profile.completed', SessionId: sessionId, Status: true }
    : { MessageType: 'profile.completed', Status: false };
  const body = `<main><section class="card"><h1>Device data collection</h1><p id="ddc-result">${escapeHtml(sessionId ? `sessionId ${sessionId}` : `failed: ${problem ?? 'no JWT'}`)}</p></section></main>`;
  const script = `(window.parent !== window ? window.parent : window).postMessage(${scriptJson(JSON.stringify(message))}, '*');`;
  return htmlPage({
    title: 'Device data collection',
    body,
    script,
    framable: true,
    ...(sessionId ? {} : { status: 400 }),
  });
}

export function challengePage(reference: string, order: OrderView, payment: CardPayment): Answer {
  const pending = payment.stage === 'challenged' && order.status === 'Processing';
  const body =
    `<main style="margin:12px auto"><section class="card"><h1>Confirm your payment</h1>` +
    `<p>Your bank asks you to confirm a payment of <strong>${escapeHtml(money(order))}</strong>${order.domain ? ` to <strong>${escapeHtml(order.domain)}</strong>` : ''} ` +
    `with your ${escapeHtml(payment.card.brand)} card ending ${escapeHtml(payment.card.last4)}.</p>` +
    (pending
      ? `<div class="actions"><button type="button" class="primary" id="pass">Pay</button><button type="button" class="danger" id="fail">Decline</button></div>`
      : `<p>This challenge was already answered: the order is ${escapeHtml(order.status)}.</p>`) +
    `<p id="challenge-status" class="status" role="status"></p><p class="small">Sandbox 3-D Secure challenge ${escapeHtml(reference)}: Pay passes it, Decline fails it.</p></section></main>`;
  const script = pending
    ? `
const reference = ${scriptJson(reference)};
const transactionReference = ${scriptJson(payment.transactionReference)};
async function answer(result) {
  for (const id of ['pass', 'fail']) document.getElementById(id).disabled = true;
  const out = document.getElementById('challenge-status');
  try {
    const response = await fetch('/sandbox/challenge/' + encodeURIComponent(reference) + '/answer', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ result }) });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
    out.textContent = result === 'pass' ? 'Confirmed. Returning to the merchant…' : 'Declined. Returning to the merchant…';
    (window.parent !== window ? window.parent : window).postMessage(JSON.stringify({ MessageType: 'challenge.completed', reference, transactionReference, status: body.status }), '*');
  } catch (error) { out.textContent = error.message; out.className = 'status error'; }
}
document.getElementById('pass').addEventListener('click', () => answer('pass'));
document.getElementById('fail').addEventListener('click', () => answer('fail'));
`
    : undefined;
  return htmlPage({ title: 'Confirm your payment', body, framable: true, ...(script ? { script } : {}) });
}
