// HTML for the sandbox's pages: escaping, one page frame with inline CSS (nothing is loaded from anywhere: the pages
// work offline), and the security headers every page is sent with. Everything shown that came from a request —
// names, descriptions, products, parameters — is escaped: it is text a merchant or payer typed.

import type { Answer } from './http-io.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** JSON that can sit inside a <script> element: `<` is written as `\u003c`, so no `</script>` can end it early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const CSS = `
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1c2430;background:#f4f6f9}
header.bar{background:#1c2a4a;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
header.bar strong{font-size:17px}
header.bar .sandbox{background:#f5b301;color:#1c2430;border-radius:4px;padding:1px 8px;font-size:12px;font-weight:600}
main{max-width:760px;margin:24px auto;padding:0 16px}
main.wide{max-width:none;margin:16px;padding:0}
section.card{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:16px 20px;margin-bottom:16px}
h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:0 0 10px}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.summary dt{color:#5b6575}dl.summary dd{margin:0}
.amount{font-size:26px;font-weight:600}
label{display:block;margin:10px 0 3px;color:#3b4556;font-size:13px}
input,select{font:inherit;padding:7px 9px;border:1px solid #b9c1cd;border-radius:5px;width:100%}
.row{display:flex;gap:12px}.row>div{flex:1}
button{font:inherit;font-weight:600;border-radius:5px;border:1px solid #1c2a4a;padding:8px 18px;cursor:pointer;background:#fff;color:#1c2a4a}
button.primary{background:#1c6b3a;border-color:#1c6b3a;color:#fff}
button.danger{border-color:#a12a2a;color:#a12a2a}
button:disabled{opacity:.5;cursor:default}
.actions{display:flex;gap:10px;margin-top:16px}
.small{font-size:12px;color:#5b6575}
.status{margin-top:12px;min-height:1.4em}
.error{color:#a12a2a}
.ok{color:#1c6b3a}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e3e7ee;padding:5px 6px;text-align:left;vertical-align:top}
th{background:#f0f3f7;font-weight:600}
td.mono,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
pre{white-space:pre-wrap;word-break:break-all;margin:4px 0;font-size:12px;background:#f6f8fa;padding:6px;border-radius:4px}
.pill{display:inline-block;border-radius:10px;padding:0 7px;font-size:12px;background:#e8ecf2}
.pill.good{background:#d9f2e1}.pill.bad{background:#f8dcdc}.pill.wait{background:#fff0c2}
iframe.challenge{width:100%;height:420px;border:1px solid #b9c1cd;border-radius:6px;background:#fff}
nav.toc a{margin-right:12px}
details summary{cursor:pointer}
`;

export interface PageOptions {
  title: string;
  body: string;
  /** Inline script, placed at the end of the body. */
  script?: string;
  /** HTTP status (default 200). */
  status?: number;
  /** Whether other sites may show the page in an iframe (the DDC and challenge pages: a merchant's page frames them). */
  framable?: boolean;
}

/**
 * A whole page: inline CSS and script only, `default-src 'none'` otherwise (the page loads nothing from anywhere),
 * no referrer, and not framable by other sites unless it is meant to be.
 */
export function htmlPage(options: PageOptions): Answer {
  const html =
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(options.title)}</title><link rel="icon" href="data:,"><style>${CSS}</style></head>` +
    `<body>${options.body}${options.script ? `<script>${options.script}</script>` : ''}</body></html>\n`;
  const csp = [
    "default-src 'none'",
    "script-src 'unsafe-inline'",
    "style-src 'unsafe-inline'",
    'img-src data:',
    "connect-src 'self'",
    "frame-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${options.framable ? '*' : "'self'"}`,
  ].join('; ');
  return {
    kind: 'html',
    status: options.status ?? 200,
    html,
    headers: {
      'content-security-policy': csp,
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  };
}

export function header(subtitle: string): string {
  return `<header class="bar"><strong>CodePay</strong><span>${escapeHtml(subtitle)}</span><span class="sandbox">SANDBOX — no real money moves</span></header>`;
}

/** A page that says, in words, why there is nothing to pay here. */
export function messagePage(status: number, title: string, paragraphs: readonly string[]): Answer {
  const body = `${header('Payment')}<main><section class="card"><h1>${escapeHtml(title)}</h1>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</section></main>`;
  return htmlPage({ title, body, status });
}
