/**
 * The Vue 3 component: renders `<bank-pay-session>` with a render function (no SFC, no compiler
 * set-up needed), sets its props as element properties, and re-emits the element's events.
 */
import { camelize, defineComponent, h, shallowRef, toHandlerKey } from 'vue';
import { BankPaySession as BankPaySessionElement } from '../element/define.js';
import type { CancelReason, CancelResult } from '../element/index.js';
import { bankPaySessionEmits, bankPaySessionProps, EVENT_NAMES, type BankPaySessionEventName } from './props.js';

/** Unset props are left out, so the element keeps its own defaults (e.g. `cancel-on`). */
function definedProps(props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}

/** What a template ref to the component gives: `const payment = ref<BankPaySessionInstance>()`. */
export interface BankPaySessionInstance {
  /** The `<bank-pay-session>` element, once mounted. */
  readonly element: BankPaySessionElement | undefined;
  /** The element's `cancel()`: sends the session's one cancel request and shows the timed-out state. */
  cancel(reason?: CancelReason): Promise<CancelResult>;
}

export const BankPaySession = defineComponent({
  name: 'BankPaySession',
  props: bankPaySessionProps,
  emits: bankPaySessionEmits,
  setup(props, { emit, expose }) {
    const element = shallowRef<BankPaySessionElement>();
    // One listener shape for every event; bankPaySessionEmits types each name with its class.
    const forward = emit as (name: BankPaySessionEventName, event: Event) => void;
    // `onBpsExit` on an element makes Vue listen to `bps-exit`.
    const listeners = Object.fromEntries(
      EVENT_NAMES.map((name) => [toHandlerKey(camelize(name)), (event: Event) => forward(name, event)]),
    );

    const exposed: Omit<BankPaySessionInstance, 'element'> & { element: typeof element } = {
      // Vue unwraps exposed refs, so the instance's `element` is the element itself.
      element,
      cancel(reason) {
        if (!element.value) return Promise.reject(new Error('BankPaySession is not mounted'));
        return element.value.cancel(reason);
      },
    };
    expose(exposed);

    return () => h('bank-pay-session', { ...definedProps(props), ...listeners, ref: element });
  },
});
