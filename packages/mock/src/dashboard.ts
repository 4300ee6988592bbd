// The dashboard at the mock's root page: what arrived and how it was answered, the merchant account's payers and
// orders (with actions), the notifications and their delivery attempts (with resend), the issued tokens and the
// queued scenarios. Server-rendered, inline CSS and script, no key material: the keys never leave the --keys-out
// file (only the appId is shown), and tokens are shortened. Its buttons call the control API (/sandbox/api).

import type { RecordedRequest } from './request-log.js';
import type { OrderView } from './merchant-state.js';
import type { NotificationDelivery } from './webhooks.js';
import type { TokenView } from './token-store.js';
import { escapeHtml, htmlPage } from './html.js';
import type { Answer } from './http-io.js';
import { money } from './payment-pages.js';
import { SCENARIO_NAMES } from './scenarios.js';

export interface DashboardData {
  url: string;
  appId: string;
  notifyUrl: string | undefined;
  requests: readonly RecordedRequest[];
  orders: readonly OrderView[];
  payers: readonly Record<string, unknown>[];
  notifications: readonly NotificationDelivery[];
  tokens: readonly TokenView[];
  scenarios: readonly { scenario: string; remaining: number; service?: string }[];
  services: readonly string[];
  stateful: boolean;
}

const MAX_REQUESTS_SHOWN = 200;

const time = (date: Date | string) =>
  escapeHtml((date instanceof Date ? date.toISOString() : date).replace('T', ' ').replace('Z', ''));
const json = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

function pill(text: string, kind: 'good' | 'bad' | 'wait' | '' = ''): string {
  return `<span class="pill ${kind}">${escapeHtml(text)}</span>`;
}

function button(label: string, method: string, path: string, body?: unknown, kind = ''): string {
  const data = body === undefined ? '' : ` data-body="${escapeHtml(JSON.stringify(body))}"`;
  return `<button type="button" class="${kind}" data-method="${method}" data-path="${escapeHtml(path)}"${data}>${escapeHtml(label)}</button>`;
}

function outcomeKind(outcome: string): 'good' | 'bad' | 'wait' {
  return outcome === 'ok' ? 'good' : outcome === 'business-error' || outcome === 'invalid-params' ? 'wait' : 'bad';
}

/** The parameters that name what a request is about (an order, a payer, a currency), shown in its row. */
function keyParams(params: unknown): string {
  if (typeof params !== 'object' || params === null) return '';
  const fields = params as Record<string, unknown>;
  return ['order_sn', 'email', 'payerID', 'currency', 'transactionReference']
    .filter((key) => fields[key] !== undefined && typeof fields[key] !== 'object')
    .map((key) => `${key}=${String(fields[key])}`)
    .join(' ');
}

function requestsSection(requests: readonly RecordedRequest[]): string {
  const shown = requests.slice(-MAX_REQUESTS_SHOWN).reverse();
  const rows = shown
    .map((r) => {
      const details = {
        params: r.params,
        answer: r.answer,
        ...(r.change ? { change: r.change } : {}),
        ...(r.lostAnswer ? { lostAnswer: r.lostAnswer } : {}),
      };
      return (
        `<tr class="request" data-service="${escapeHtml(r.service ?? '')}"><td class="mono">${time(r.receivedAt)}</td><td>${escapeHtml(r.endpoint)}</td>` +
        `<td><strong>${escapeHtml(r.service ?? r.path)}</strong><div class="small mono">${escapeHtml(keyParams(r.params))}</div></td><td>${pill(r.outcome, outcomeKind(r.outcome))}${r.code ? ` <span class="mono">${escapeHtml(r.code)}</span>` : ''}</td>` +
        `<td>${r.signature ? pill(r.signature, r.signature === 'valid' ? 'good' : 'bad') : ''}</td><td>${escapeHtml(r.scenario ?? '')}</td>` +
        `<td class="mono">${escapeHtml(r.psn ?? '')}</td><td>${escapeHtml(r.httpStatus ?? 'none')}</td>` +
        `<td><details><summary>params and answer</summary>${json(details)}</details></td></tr>`
      );
    })
    .join('');
  const more =
    requests.length > MAX_REQUESTS_SHOWN
      ? `<p class="small">The newest ${MAX_REQUESTS_SHOWN} of ${requests.length}; all of them: GET /sandbox/api/requests.</p>`
      : '';
  return (
    `<section class="card" id="requests"><h2>Requests (${requests.length})</h2>` +
    `<p>${button('Clear the log', 'DELETE', '/sandbox/api/requests')}</p>` +
    `<table><tr><th>received (UTC)</th><th>endpoint</th><th>service</th><th>outcome</th><th>signature</th><th>scenario</th><th>psn</th><th>HTTP</th><th></th></tr>${rows}</table>${more}</section>`
  );
}

function ordersSection(orders: readonly OrderView[], stateful: boolean): string {
  if (!stateful)
    return `<section class="card" id="orders"><h2>Orders</h2><p>The gateway runs with generated data (dynamic): it keeps no orders.</p></section>`;
  const rows = orders
    .slice()
    .reverse()
    .map((o) => {
      const sn = encodeURIComponent(o.order_sn);
      const payments = o.payments
        .map(
          (p) =>
            `<div class="small">${escapeHtml(p.card.brand)} •••• ${escapeHtml(p.card.last4)}: ${escapeHtml(p.stage)}${p.failure ? ` (${escapeHtml(p.failure)})` : ''}${p.challenge ? ` — challenge <span class="mono">${escapeHtml(p.challenge.reference)}</span>` : ''}</div>`,
        )
        .join('');
      const actions = [
        ['New', 'Processing'].includes(o.status) ? button('Pay', 'POST', `/sandbox/api/orders/${sn}/pay`) : '',
        ['New', 'Processing'].includes(o.status)
          ? button('Decline', 'POST', `/sandbox/api/orders/${sn}/decline`, undefined, 'danger')
          : '',
        ['New', 'Processing'].includes(o.status) ? button('Expire', 'POST', `/sandbox/api/orders/${sn}/expire`) : '',
        o.status.startsWith('Refund') && o.status !== 'RefundCompleted'
          ? button('Settle refund', 'POST', `/sandbox/api/orders/${sn}/settle-refund`)
          : '',
        button('Notify', 'POST', '/sandbox/api/notifications', { order_sn: o.order_sn }),
      ].join(' ');
      return (
        `<tr class="order" data-order-sn="${escapeHtml(o.order_sn)}"><td class="mono">${escapeHtml(o.order_sn)}</td><td>${escapeHtml(money(o))}</td>` +
        `<td>${pill(o.status, o.status === 'Paid' ? 'good' : o.status === 'Failed' || o.status === 'Expired' ? 'bad' : 'wait')}</td>` +
        `<td>${escapeHtml(o.payerID)}</td><td class="mono"><a href="/pay/${escapeHtml(o.linkID)}">${escapeHtml(o.linkID)}</a></td><td>${time(o.creationTime)}</td>` +
        `<td>${escapeHtml(o.failTimes)}</td><td>${payments}</td><td>${actions}</td></tr>`
      );
    })
    .join('');
  return (
    `<section class="card" id="orders"><h2>Orders (${orders.length})</h2>` +
    `<table><tr><th>order_sn</th><th>amount</th><th>status</th><th>payerID</th><th>payment link</th><th>created (UTC)</th><th>failTimes</th><th>card payments</th><th>actions</th></tr>${rows}</table></section>`
  );
}

function payersSection(payers: readonly Record<string, unknown>[]): string {
  const rows = payers
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.payerID)}</td><td>${escapeHtml(`${String(p.firstName ?? '')} ${String(p.lastName ?? '')}`)}</td><td>${escapeHtml(p.email)}</td><td>${escapeHtml(p.country)}</td><td><details><summary>all fields</summary>${json(p)}</details></td></tr>`,
    )
    .join('');
  return `<section class="card" id="payers"><h2>Payers (${payers.length})</h2><table><tr><th>payerID</th><th>name</th><th>email</th><th>country</th><th></th></tr>${rows}</table></section>`;
}

function notificationsSection(notifications: readonly NotificationDelivery[], notifyUrl: string | undefined): string {
  const rows = notifications
    .slice()
    .reverse()
    .map((n) => {
      const attempts = n.attempts
        .map(
          (a, i) =>
            `<div class="small attempt">#${i + 1} ${time(a.at)} — ${a.httpStatus === undefined ? escapeHtml(a.error ?? 'no answer') : `HTTP ${escapeHtml(a.httpStatus)} <span class="mono">${escapeHtml(a.answer ?? '')}</span>`} ${a.acknowledged ? pill('acknowledged', 'good') : ''}</div>`,
        )
        .join('');
      const next = n.nextAttemptAt ? `<div class="small">next attempt ${time(n.nextAttemptAt)}</div>` : '';
      return (
        `<tr class="notification" data-order-sn="${escapeHtml(n.event.order_sn)}"><td class="mono">${escapeHtml(n.id)}</td><td>${time(n.createdAt)}</td>` +
        `<td class="mono">${escapeHtml(n.event.order_sn)}</td><td>${escapeHtml(n.event.status)}</td><td>${escapeHtml(n.cause)}</td>` +
        `<td class="mono">${escapeHtml(n.url ?? '')}</td><td>${pill(n.state, n.state === 'delivered' ? 'good' : n.state === 'pending' ? 'wait' : 'bad')}</td>` +
        `<td>${attempts}${next}</td><td>${button('Resend', 'POST', `/sandbox/api/notifications/${n.id}/resend`)}<details><summary>content</summary>${json(n.event)}</details></td></tr>`
      );
    })
    .join('');
  return (
    `<section class="card" id="notifications"><h2>Notifications (${notifications.length})</h2>` +
    `<form id="notify-url-form" class="row" style="align-items:end"><div><label for="notify-url">Notification URL (every status change is POSTed here, retried until it answers {"code":0}, at most 10 attempts)</label>` +
    `<input id="notify-url" value="${escapeHtml(notifyUrl ?? '')}" placeholder="http://127.0.0.1:3000/codepay/notifications"></div><div style="flex:0"><button type="submit">Save</button></div></form>` +
    `<table style="margin-top:10px"><tr><th>id</th><th>created (UTC)</th><th>order_sn</th><th>status</th><th>cause</th><th>URL</th><th>state</th><th>attempts</th><th></th></tr>${rows}</table></section>`
  );
}

function tokensSection(tokens: readonly TokenView[]): string {
  const rows = tokens
    .slice()
    .reverse()
    .map(
      (t) =>
        `<tr><td class="mono">${escapeHtml(t.token)}</td><td>${time(t.issuedAt)}</td><td>${time(t.expiresAt)}</td><td>${pill(t.state, t.state === 'valid' ? 'good' : 'bad')}</td></tr>`,
    )
    .join('');
  return (
    `<section class="card" id="tokens"><h2>Issued tokens (${tokens.length})</h2><p>${button('Expire every token', 'POST', '/sandbox/api/tokens/expire')}</p>` +
    `<table><tr><th>token (shortened)</th><th>issued (UTC)</th><th>expires (UTC)</th><th>state</th></tr>${rows}</table></section>`
  );
}

function scenariosSection(scenarios: DashboardData['scenarios'], services: readonly string[]): string {
  const rows = scenarios
    .map(
      (s) =>
        `<tr><td class="mono">${escapeHtml(s.scenario)}</td><td>${escapeHtml(s.service ?? 'any')}</td><td>${escapeHtml(s.remaining)}</td></tr>`,
    )
    .join('');
  return (
    `<section class="card" id="scenarios"><h2>Queued scenarios</h2>` +
    `<form id="scenario-form" class="row" style="align-items:end">` +
    `<div><label for="scenario">Scenario (name or name:argument)</label><input id="scenario" list="scenario-names" placeholder="http-503"><datalist id="scenario-names">${SCENARIO_NAMES.map((n) => `<option value="${n}">`).join('')}</datalist></div>` +
    `<div><label for="scenario-service">For the service</label><select id="scenario-service"><option value="">any service</option>${services.map((s) => `<option>${escapeHtml(s)}</option>`).join('')}</select></div>` +
    `<div><label for="scenario-times">Times</label><input id="scenario-times" type="number" min="1" value="1"></div>` +
    `<div style="flex:0"><button type="submit">Queue</button></div></form>` +
    `<p>${button('Clear queued scenarios', 'DELETE', '/sandbox/api/scenarios')}</p>` +
    `<table><tr><th>scenario</th><th>service</th><th>requests left</th></tr>${rows}</table></section>`
  );
}

const SCRIPT = `
const out = document.getElementById('action-status');
async function call(method, path, body) {
  const response = await fetch(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || ('HTTP ' + response.status));
  return answer;
}
function run(promise) { promise.then(() => location.reload(), (error) => { out.textContent = error.message; out.className = 'status error'; }); }
document.addEventListener('click', (event) => {
  const target = event.target.closest('button[data-path]');
  if (!target) return;
  run(call(target.dataset.method, target.dataset.path, target.dataset.body ? JSON.parse(target.dataset.body) : undefined));
});
document.getElementById('notify-url-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const url = document.getElementById('notify-url').value.trim();
  run(call('PUT', '/sandbox/api/notify-url', { url: url === '' ? null : url }));
});
document.getElementById('scenario-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const service = document.getElementById('scenario-service').value;
  run(call('POST', '/sandbox/api/scenarios', { scenario: document.getElementById('scenario').value, times: Number(document.getElementById('scenario-times').value), ...(service ? { service } : {}) }));
});
const auto = document.getElementById('auto-refresh');
auto.checked = sessionStorage.getItem('codepay-auto-refresh') === '1';
auto.addEventListener('change', () => { sessionStorage.setItem('codepay-auto-refresh', auto.checked ? '1' : '0'); if (auto.checked) location.reload(); });
setInterval(() => { if (auto.checked) location.reload(); }, 2000);
`;

export function dashboardPage(data: DashboardData): Answer {
  const body =
    `<header class="bar"><strong>CodePay mock gateway</strong><span>dashboard</span><span class="mono">${escapeHtml(data.url)}</span><span>appId <span class="mono">${escapeHtml(data.appId)}</span></span>` +
    `<span class="sandbox">SANDBOX</span></header><main class="wide">` +
    `<section class="card"><nav class="toc"><a href="#requests">Requests</a><a href="#orders">Orders</a><a href="#notifications">Notifications</a><a href="#payers">Payers</a><a href="#tokens">Tokens</a><a href="#scenarios">Scenarios</a></nav>` +
    `<p class="small">Keys are never shown here: they are in the --keys-out file. The control API behind these buttons is documented in the README (GET /sandbox/api lists it).</p>` +
    `<label style="display:inline-flex;gap:6px;align-items:center;margin:0"><input type="checkbox" id="auto-refresh" style="width:auto"> refresh every 2 s</label> ` +
    `<button type="button" onclick="location.reload()">Refresh</button><p id="action-status" class="status" role="status"></p></section>` +
    requestsSection(data.requests) +
    ordersSection(data.orders, data.stateful) +
    notificationsSection(data.notifications, data.notifyUrl) +
    payersSection(data.payers) +
    tokensSection(data.tokens) +
    scenariosSection(data.scenarios, data.services) +
    `</main>`;
  return htmlPage({ title: 'CodePay mock gateway — dashboard', body, script: SCRIPT });
}
