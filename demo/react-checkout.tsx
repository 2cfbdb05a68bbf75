/** The demo checkout built with React and `bank-pay-session/react`. */
import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BankPaySession } from '../src/react/index.js';
import type { Product } from '../src/protocol/products.js';
import { createCheckoutSession, pollProviderStatus, type CheckoutSession, type ProviderStatus } from './checkout-api.js';
import { logEntry, PRODUCTS, type LoggedEvent } from './framework-shell.js';
import { DEMO_STRINGS, type DemoLang } from './strings.js';

/**
 * One session per checkout generation (a new one for each change of product, language or
 * "start again"). StrictMode runs effects twice in development; without this the first run
 * would create a provider session that no element ever shows, left open until it expires.
 */
const sessionRequests = new Map<number, Promise<CheckoutSession>>();
let generations = 0;
function sessionFor(generation: number, product: Product, lang: DemoLang): Promise<CheckoutSession> {
  let request = sessionRequests.get(generation);
  if (!request) {
    request = createCheckoutSession(product, lang);
    sessionRequests.set(generation, request);
  }
  return request;
}

/** `?mode=popup` / `?mode=iframe`, as on the plain checkout; otherwise the element's default, auto. */
const mode = new URLSearchParams(location.search).get('mode') as 'auto' | 'iframe' | 'popup' | null;

function useProviderStatus(statusUrl: string | undefined): ProviderStatus | undefined {
  const [status, setStatus] = useState<ProviderStatus>();
  useEffect(() => {
    setStatus(undefined);
    if (!statusUrl) return;
    return pollProviderStatus(statusUrl, setStatus);
  }, [statusUrl]);
  return status;
}

function Checkout() {
  const [lang, setLang] = useState<DemoLang>('en');
  const [product, setProduct] = useState<Product>('EFT');
  const [session, setSession] = useState<CheckoutSession>();
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [events, setEvents] = useState<LoggedEvent[]>([]);
  const strings = DEMO_STRINGS[lang];
  const generation = useMemo(() => ++generations, [product, lang, attempt]);
  const providerStatus = useProviderStatus(session?.statusUrl);

  // A new session whenever the product, the language or "start again" asks for one. The old
  // <BankPaySession> unmounts (an SPA abandonment), so its provider session is cancelled.
  useEffect(() => {
    let current = true;
    setSession(undefined);
    setError(undefined);
    sessionFor(generation, product, lang).then(
      (created) => current && setSession(created),
      (failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      current = false;
    };
  }, [generation, product, lang]);

  useEffect(() => {
    if (session) window.__bpsDemo = { session };
  }, [session]);

  useEffect(() => {
    document.documentElement.lang = lang === 'fr' ? 'fr-CA' : 'en-CA';
  }, [lang]);

  const log = useCallback((event: Event) => setEvents((previous) => [logEntry(event), ...previous].slice(0, 50)), []);

  return (
    <>
      <header className="topbar">
        <span className="brand">{strings.store} · React</span>
        <nav className="topbar__demos" aria-label="Demos">
          <a href="/">HTML</a>
          <a href="/demo/vue.html">Vue</a>
        </nav>
      </header>
      <main className="checkout">
        <section className="checkout__grid">
          <div className="checkout__main">
            <h1>{strings.title}</h1>
            <section className="card" aria-labelledby="pay-with-heading">
              <h2 id="pay-with-heading">{strings.payWith}</h2>
              <fieldset className="choices">
                <legend className="visually-hidden">{strings.payWith}</legend>
                {PRODUCTS.map((choice) => (
                  <label key={choice.product}>
                    <input type="radio" name="product" value={choice.product} checked={product === choice.product} onChange={() => setProduct(choice.product)} />{' '}
                    {choice.label(lang)}
                  </label>
                ))}
              </fieldset>
              <div className="lang-switch" role="group" aria-label={strings.language}>
                <span>{strings.language}</span>
                <button type="button" aria-pressed={lang === 'en'} onClick={() => setLang('en')}>English</button>
                <button type="button" aria-pressed={lang === 'fr'} onClick={() => setLang('fr')}>Français</button>
              </div>
            </section>
            <section className="card" aria-labelledby="payment-heading">
              <h2 id="payment-heading">{strings.payment}</h2>
              <div className="payment-slot">
                {error ? (
                  <p className="error" role="alert">{strings.createFailed} {error}</p>
                ) : session ? (
                  <BankPaySession
                    key={session.sessionId}
                    src={session.url}
                    sessionId={session.sessionId}
                    cancelUrl={session.cancelUrl}
                    cancelToken={session.cancelToken}
                    statusUrl={session.statusUrl}
                    expiresAt={session.expiresAt}
                    lang={lang}
                    mode={mode ?? undefined}
                    onBpsReady={log}
                    onBpsStep={log}
                    onBpsStateChange={log}
                    onBpsCloseRequest={log}
                    onBpsCancel={log}
                    onBpsExit={log}
                    onBpsRestart={(event) => {
                      log(event);
                      setAttempt((n) => n + 1);
                    }}
                  />
                ) : (
                  <p className="muted" role="status">{strings.creating}</p>
                )}
              </div>
            </section>
          </div>
          <aside className="checkout__side">
            <section className="card devpanel" aria-labelledby="hood-heading">
              <h2 id="hood-heading">{strings.underTheHood}</h2>
              <dl className="devpanel__facts">
                <div><dt>{strings.session}</dt><dd><code id="session-id">{session?.sessionId ?? '–'}</code></dd></div>
                <div>
                  <dt>{strings.providerStatus}</dt>
                  <dd><span id="provider-status" className="badge" data-status={providerStatus?.status.toLowerCase()}>{providerStatus ? `${providerStatus.providerStatus} · ${providerStatus.statusDetails}` : '–'}</span></dd>
                </div>
              </dl>
              <h3>{strings.events}</h3>
              <ol className="event-log" aria-live="polite">
                {events.length === 0 ? <li className="muted">{strings.noEvents}</li> : events.map((entry) => (
                  <li key={entry.id}><time>{entry.time}</time> <strong>{entry.type}</strong> <span>{entry.detail}</span></li>
                ))}
              </ol>
            </section>
          </aside>
        </section>
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Checkout />
  </StrictMode>,
);
