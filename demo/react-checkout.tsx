/** The demo checkout with React: `bank-pay-session/react` renders the element. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BankPaySession } from '../src/react/index.js';
import { startDemo } from './shell.js';

/** `?mode=popup` / `?mode=iframe`, as on the plain checkout; without it the element's default, auto. */
const mode = (new URLSearchParams(location.search).get('mode') ?? undefined) as 'auto' | 'iframe' | 'popup' | undefined;

startDemo('react', (slot) => {
  const mount = slot.appendChild(document.createElement('div'));
  const root = createRoot(mount);
  return {
    show(session, lang, on) {
      root.render(
        <StrictMode>
          <BankPaySession
            key={session.sessionId}
            src={session.url}
            sessionId={session.sessionId}
            cancelUrl={session.cancelUrl}
            cancelToken={session.cancelToken}
            statusUrl={session.statusUrl}
            expiresAt={session.expiresAt}
            lang={lang}
            mode={mode}
            onBpsExit={(event) => on.exit(event.reason)}
            onBpsRestart={() => on.restart()}
          />
        </StrictMode>,
      );
    },
    clear() {
      root.render(null);
    },
    movable: () => mount,
  };
});
