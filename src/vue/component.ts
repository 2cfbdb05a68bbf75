/**
 * The Vue 3 component: renders `<bank-pay-session>` with a render function (no SFC, no compiler
 * set-up needed), and re-emits the element's events.
 *
 * - Each prop is written twice: as the element's attribute (`session-id`, the name the element
 *   reads), so server-rendered HTML carries the whole session and the element can start, and
 *   cancel, before hydration; and as its property, so the element gets the value with its own
 *   type. Vue keeps both in step with the props, so nothing is left stale after hydration or a
 *   change.
 * - Server-rendered (and while hydrating), the hosted flow's `<iframe>` is written inside the
 *   tag: the browser starts loading it while it parses the HTML, and the element adopts it.
 *   Mounted in the browser only, the element makes its own frame, as it does without Vue.
 * - The events that unmounting causes (the cancel, the exit) reach the listeners too.
 */
import {
  callWithAsyncErrorHandling,
  camelize,
  defineComponent,
  ErrorCodes,
  getCurrentInstance,
  h,
  shallowRef,
  toHandlerKey,
} from 'vue';
import { BankPaySession as BankPaySessionElement } from '../element/define.js';
import type { CancelReason, CancelResult } from '../element/index.js';
import { attributesOf, writtenFrame, type SettableProperty } from '../element/markup.js';
import { bankPaySessionEmits, bankPaySessionProps, EVENT_NAMES, type BankPaySessionEventName } from './props.js';

/** Unset props are left out, so the element keeps its own defaults (e.g. `cancel-on`). */
function definedProps(props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}

/**
 * Vue's forced bindings: `^name` is always an attribute (rendered on the server too), `.name`
 * always a property (on the client only). Attributes first, so the typed property value wins.
 */
function elementBindings(props: Record<string, unknown>): Record<string, unknown> {
  const attributes = Object.entries(attributesOf(props as Partial<Record<SettableProperty, unknown>>));
  return Object.fromEntries([
    ...attributes.map(([name, text]) => [`^${name}`, text]),
    ...Object.entries(props).map(([name, value]) => [`.${name}`, value]),
  ]);
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
    const instance = getCurrentInstance()!;
    const element = shallowRef<BankPaySessionElement>();
    // One listener shape for every event; bankPaySessionEmits types each name with its class.
    const emitEvent = emit as (name: BankPaySessionEventName, event: Event) => void;
    const forward = (name: BankPaySessionEventName, event: Event) => {
      if (!instance.isUnmounted) return emitEvent(name, event);
      // Vue drops every emit once the component is unmounted, but the element sends its cancel
      // a task after it leaves the page: hand those events to the listeners the parent gave,
      // looked up as emit does.
      const listeners = instance.vnode.props ?? {};
      const handler = listeners[toHandlerKey(name)] ?? listeners[toHandlerKey(camelize(name))];
      if (handler) callWithAsyncErrorHandling(handler as () => unknown, instance, ErrorCodes.COMPONENT_EVENT_HANDLER, [event]);
    };
    // `onBpsExit` on an element makes Vue listen to `bps-exit`.
    const listeners = Object.fromEntries(
      EVENT_NAMES.map((name) => [toHandlerKey(camelize(name)), (event: Event) => forward(name, event)]),
    );
    // On the server, or hydrating what it wrote (the component's node is already there), the
    // frame is part of the tag. Fixed for the component's life, so Vue never patches it: when
    // a later session starts, the element removes the old frame and makes its own.
    const frame = typeof document === 'undefined' || instance.vnode.el ? writtenFrame(props.src, props.lang) : undefined;

    const exposed: Omit<BankPaySessionInstance, 'element'> & { element: typeof element } = {
      // Vue unwraps exposed refs, so the instance's `element` is the element itself.
      element,
      cancel(reason) {
        if (!element.value) return Promise.reject(new Error('BankPaySession is not mounted'));
        return element.value.cancel(reason);
      },
    };
    expose(exposed);

    return () =>
      h('bank-pay-session', { ...elementBindings(definedProps(props)), ...listeners, ref: element }, frame && [h('iframe', { ...frame })]);
  },
});
