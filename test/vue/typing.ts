/**
 * Compile-time checks of the Vue typings, run by the typecheck suite (`tsc -p .`): what
 * merchants write must compile, and each `@ts-expect-error` line must stay an error.
 */
import { h, ref, type GlobalComponents } from 'vue';
import { BankPaySession, type BankPaySessionInstance, type ExitReason } from '../../src/vue/index.js';

export const registeredGlobally: GlobalComponents['BankPaySession'] = BankPaySession;

export const payment = ref<BankPaySessionInstance>();
export const cancelled = payment.value?.cancel('api').then((result) => result.outcome);

export const rendered = h(BankPaySession, {
  src: 'https://payments-uat.flinksapp.com/app/?sessionId=2c8e4f3a-0000-4000-8000-000000000000',
  sessionId: '2c8e4f3a-0000-4000-8000-000000000000',
  cancelUrl: '/bank-pay/cancel',
  cancelToken: 'v1.token',
  expiresAt: Date.now() + 15 * 60_000,
  hiddenDelay: 60_000,
  'onBps-exit': (event) => {
    const reason: ExitReason = event.reason;
    return reason;
  },
});

// @ts-expect-error: the session id is a string
export const wrongProp = h(BankPaySession, { sessionId: 42 });
