/**
 * Renders the hosted flow page: one HTML document holding every view (choose bank, sign in,
 * choose account, review, done, the close confirmation and the ended states); the inline
 * script shows one at a time. Pure: the route adds the headers.
 */

import { HOSTED_POLL_INTERVAL_MS, HOSTED_SCRIPT } from './script.js';
import { hostedStrings, type HostedStrings, type PageLanguage } from './strings.js';

export type HostedView = 'bank' | 'signin' | 'account' | 'review' | 'done' | 'confirm-close' | 'closed' | 'timed-out' | 'failed' | 'not-found';

export interface HostedPageInput {
  readonly language: PageLanguage;
  /** Nonce of the inline script and style (CSP). */
  readonly nonce: string;
  /** Exact targetOrigins of every postMessage. */
  readonly origins: readonly string[];
  readonly initialView: HostedView;
  /** Absent for the not-found page. */
  readonly session?: {
    readonly sessionId: string;
    readonly amount: number | null;
    readonly guarantee: boolean;
  };
}

const BANKS = [
  { id: 'sandbox-bank', name: 'Sandbox Bank' },
  { id: 'maple-trust', name: 'Maple Trust' },
  { id: 'caisse-demo', name: 'Caisse Démo' },
] as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** JSON safe inside a `<script>` element: `<` can never close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function formatAmount(amount: number | null, strings: HostedStrings): string {
  if (amount === null) return strings.amountNone;
  return new Intl.NumberFormat(strings.locale, { style: 'currency', currency: 'CAD' }).format(amount);
}

function view(name: HostedView, heading: string, body: string, initial: HostedView): string {
  const id = `bps-h-${name}`;
  return `<section data-view="${name}" aria-labelledby="${id}"${name === initial ? '' : ' hidden'}>
<h2 id="${id}" tabindex="-1">${escapeHtml(heading)}</h2>
${body}
</section>`;
}

function radios(name: string, legend: string, options: ReadonlyArray<{ id: string; label: string }>): string {
  const items = options
    .map(
      (option, index) =>
        `<label class="choice"><input type="radio" name="${name}" value="${escapeHtml(option.id)}" required${index === 0 ? ' checked' : ''}><span>${escapeHtml(option.label)}</span></label>`,
    )
    .join('\n');
  return `<fieldset><legend>${escapeHtml(legend)}</legend>\n${items}\n</fieldset>`;
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1b1f24; background: #fff; }
body { margin: 0; }
header { display: flex; align-items: center; justify-content: space-between; padding: 0.75rem 1rem; border-bottom: 1px solid #d0d7de; }
header h1 { font-size: 1.1rem; margin: 0; }
main { padding: 1rem; max-width: 32rem; margin: 0 auto; }
h2 { font-size: 1.25rem; margin: 0 0 0.75rem; }
h2:focus { outline: 2px solid #0b57d0; outline-offset: 2px; }
fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
legend { font-weight: 600; margin-bottom: 0.5rem; }
.choice { display: flex; gap: 0.5rem; align-items: center; padding: 0.5rem; border: 1px solid #d0d7de; border-radius: 6px; margin-bottom: 0.5rem; }
label.field { display: block; margin-bottom: 0.75rem; }
label.field input { display: block; width: 100%; box-sizing: border-box; margin-top: 0.25rem; padding: 0.5rem; font: inherit; }
button { font: inherit; padding: 0.5rem 1rem; border-radius: 6px; border: 1px solid #0b57d0; background: #0b57d0; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #0b57d0; }
button.icon { background: none; border-color: transparent; color: #57606a; font-size: 1.5rem; line-height: 1; padding: 0.25rem 0.6rem; }
button.icon:hover { color: #1b1f24; background: #f6f8fa; }
button:focus-visible, input:focus-visible { outline: 2px solid #0b57d0; outline-offset: 2px; }
.actions { display: flex; gap: 0.5rem; flex-wrap: wrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.amount { font-size: 1.1rem; }
.notice { font-size: 0.85rem; color: #57606a; margin-top: 2rem; }
[hidden] { display: none !important; }
`;

export function renderHostedPage(input: HostedPageInput): string {
  const strings = hostedStrings(input.language);
  const s = (key: keyof HostedStrings) => escapeHtml(strings[key]);
  const initial = input.initialView;
  const session = input.session;
  const amount = session ? formatAmount(session.amount, strings) : '';
  const accounts = [
    { id: 'chequing-1234', label: `${strings.chequing} ••• 1234` },
    { id: 'savings-5678', label: `${strings.savings} ••• 5678` },
  ];
  const config = {
    sessionId: session?.sessionId ?? '',
    origins: input.origins,
    initialView: initial,
    guarantee: session?.guarantee ?? false,
    pollIntervalMs: HOSTED_POLL_INTERVAL_MS,
    working: strings.working,
  };
  const views = session
    ? [
        view('bank', strings.chooseBank, `<form novalidate>\n${radios('bank', strings.chooseBankLegend, BANKS.map((b) => ({ id: b.id, label: b.name })))}\n<div class="actions"><button type="submit">${s('continue')}</button></div>\n</form>`, initial),
        view(
          'signin',
          strings.signIn,
          `<p>${s('signInIntro')}</p>
<form novalidate>
<label class="field">${s('username')}<input name="username" autocomplete="username" required></label>
<label class="field">${s('password')}<input name="password" type="password" autocomplete="current-password" required></label>
<div class="actions"><button type="button" class="secondary" data-back="bank">${s('back')}</button><button type="submit">${s('continue')}</button></div>
</form>`,
          initial,
        ),
        view('account', strings.chooseAccount, `<form novalidate>\n${radios('account', strings.chooseAccountLegend, accounts)}\n<div class="actions"><button type="submit">${s('continue')}</button></div>\n</form>`, initial),
        view(
          'review',
          strings.review,
          `<form novalidate>
<dl>
<dt>${s('reviewAmount')}</dt><dd class="amount">${escapeHtml(amount)}</dd>
<dt>${s('reviewBank')}</dt><dd id="bps-review-bank"></dd>
<dt>${s('reviewAccount')}</dt><dd id="bps-review-account"></dd>
</dl>
${session.guarantee ? `<p>${s('guaranteeOffered')}</p>` : ''}
<div class="actions"><button type="button" class="secondary" data-back="account">${s('back')}</button><button type="submit">${s('authorize')}</button></div>
</form>`,
          initial,
        ),
        view('done', strings.done, `<p>${s('doneText')}</p>`, initial),
        view(
          'confirm-close',
          strings.confirmClose,
          `<p>${s('confirmCloseText')}</p>
<div class="actions"><button type="button" id="bps-leave">${s('leave')}</button><button type="button" class="secondary" id="bps-stay">${s('stay')}</button></div>`,
          initial,
        ),
        view('closed', strings.closed, `<p>${s('closedText')}</p>`, initial),
        view('timed-out', strings.timedOut, `<p>${s('timedOutText')}</p>`, initial),
        view('failed', strings.failed, `<p>${s('failedText')}</p>`, initial),
      ]
    : [view('not-found', strings.notFound, `<p>${s('notFoundText')}</p>`, 'not-found')];

  return `<!doctype html>
<html lang="${strings.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${s('title')} – ${s('brand')}</title>
<style nonce="${input.nonce}">${STYLE}</style>
</head>
<body data-state="${initial}">
<header>
<h1>${s('brand')}</h1>
${session ? `<button type="button" id="bps-close" class="icon" aria-label="${s('closeLabel')}" title="${s('closeLabel')}"><span aria-hidden="true">${s('close')}</span></button>` : ''}
</header>
<main>
${session ? `<p>${s('paymentTo')} <strong>${escapeHtml(amount)}</strong></p>` : ''}
${views.join('\n')}
<p id="bps-status" role="status" aria-live="polite"></p>
<p class="notice">${s('sandboxNotice')}</p>
</main>
${session ? `<script type="application/json" id="bps-config">${scriptJson(config)}</script>\n<script nonce="${input.nonce}">${HOSTED_SCRIPT}</script>` : ''}
</body>
</html>`;
}
