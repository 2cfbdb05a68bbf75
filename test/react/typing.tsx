/**
 * Compile-time checks of the React typings, run by the typecheck suite (`tsc -p .`): what
 * merchants write must compile, and each `@ts-expect-error` line must stay an error.
 */
import { useRef } from 'react';
import type { BpsExitEvent } from '../../src/element/index.js';
import { BankPaySession, type BankPaySessionElement, type ExitReason } from '../../src/react/index.js';

export function CheckoutWithTheComponent() {
  const payment = useRef<BankPaySessionElement>(null);
  return (
    <BankPaySession
      ref={payment}
      src="https://payments-uat.flinksapp.com/app/?sessionId=2c8e4f3a-0000-4000-8000-000000000000"
      sessionId="2c8e4f3a-0000-4000-8000-000000000000"
      cancelUrl="/bank-pay/cancel"
      cancelToken="v1.token"
      statusUrl="/bank-pay/sessions/2c8e4f3a-0000-4000-8000-000000000000/status"
      expiresAt={Date.now() + 15 * 60_000}
      cancelOn="close removal unload"
      hiddenDelay={60_000}
      lang="fr"
      className="checkout__payment"
      style={{ minHeight: 600 }}
      onBpsExit={(event) => {
        const reason: ExitReason = event.reason;
        return reason;
      }}
      onBpsCloseRequest={(event) => event.preventDefault()}
      onBpsCancel={(event) => event.outcome}
      onBpsStep={(event) => event.step}
      onBpsStateChange={(event) => event.state}
      onBpsRestart={(event) => event.sessionId}
      onBpsReady={() => payment.current?.cancel('api')}
    />
  );
}

export function MistakesTheTypesCatch() {
  return (
    <>
      {/* @ts-expect-error: not an event of the element */}
      <BankPaySession onBpsNotAnEvent={() => undefined} />
      {/* @ts-expect-error: bps-ready carries no exit reason */}
      <BankPaySession onBpsReady={(event: BpsExitEvent) => event.reason} />
      {/* @ts-expect-error: the session id is a string */}
      <BankPaySession sessionId={42} />
    </>
  );
}

export function CheckoutWithTheBareTag() {
  return (
    <bank-pay-session
      src="https://payments-uat.flinksapp.com/app/?sessionId=2c8e4f3a-0000-4000-8000-000000000000"
      session-id="2c8e4f3a-0000-4000-8000-000000000000"
      cancel-url="/bank-pay/cancel"
      cancel-token="v1.token"
      className="checkout__payment"
      // React 19 listens to custom events named after `on`; the handler gets the event's class.
      onbps-exit={(event) => {
        const reason: ExitReason = event.reason;
        return reason;
      }}
    />
  );
}
