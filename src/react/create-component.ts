/**
 * The React component for `<bank-pay-session>`, for React 18 and 19, rendered in the browser or
 * on a server (Next.js, Remix, `renderToString`).
 *
 * - Each element prop is written twice: as the element's attribute, so server HTML carries the
 *   whole session and the element can start, and cancel, before React has hydrated; and as its
 *   property, once mounted, so the element gets the value with its own type. React keeps the
 *   attributes in step with the props, so none is left stale after a change.
 * - Server-rendered (and while hydrating), the hosted flow's `<iframe>` is written inside the
 *   tag: the browser starts loading it while it parses the HTML, and the element adopts it.
 *   Rendered in the browser only, the element makes its own frame, as it does without React.
 * - Each `on…` prop is a listener on the element. Listeners stay on the element after unmount:
 *   unmounting is an abandonment, and the element dispatches its cancel's events a task later.
 * - The ref is the element.
 *
 * It takes React as an argument so a page with two copies of React, or a test that loads React
 * its own way, gets a component bound to the React that renders it.
 */
import type * as React from 'react';
import { BankPaySession as BankPaySessionElement } from '../element/define.js';
import { attributesOf, attributeText, frameHtml, PROPERTY_ATTRIBUTES, writtenFrame } from '../element/markup.js';
import type { BankPaySessionElementProps } from './element-props.js';
import { EVENT_PROP_NAMES, type BankPaySessionEventName, type BankPaySessionEventProps } from './event-props.js';

export type BankPaySessionProps = Omit<
  React.HTMLAttributes<BankPaySessionElement>,
  keyof BankPaySessionElementProps | keyof BankPaySessionEventProps
> &
  BankPaySessionElementProps &
  BankPaySessionEventProps &
  React.RefAttributes<BankPaySessionElement>;

export type BankPaySessionComponent = React.ForwardRefExoticComponent<BankPaySessionProps>;

type ElementProperty = keyof BankPaySessionElementProps;
type Listener = { handleEvent: (event: Event) => void };
type HostProps = Record<string, unknown>;

const EVENTS = Object.entries(EVENT_PROP_NAMES) as Array<[BankPaySessionEventName, string]>;
const EVENT_PROPS = new Set<string>(Object.values(EVENT_PROP_NAMES));

function isElementProperty(name: string): name is ElementProperty {
  return Object.hasOwn(PROPERTY_ATTRIBUTES, name);
}

/** The props that become the element's properties (the unset ones left out), and the rest for the host. */
function splitProps(props: Omit<BankPaySessionProps, 'ref'>): { element: BankPaySessionElementProps; host: HostProps } {
  const element: Record<string, unknown> = {};
  const host: HostProps = {};
  for (const [name, value] of Object.entries(props)) {
    if (isElementProperty(name)) {
      if (value !== undefined) element[name] = value;
    } else if (name === 'className') {
      // React 18 writes `className` on a custom element as a `classname` attribute.
      host.class = value;
    } else if (!EVENT_PROPS.has(name)) {
      host[name] = value;
    }
  }
  return { element: element as BankPaySessionElementProps, host };
}

// Never changes: only tells server rendering and hydration (the server snapshot) from a render in the browser.
const subscribeNever = () => () => undefined;
const inBrowser = () => false;
const onServerOrHydrating = () => true;

/** A React component for `<bank-pay-session>` bound to the given React; registers the tag if needed. */
export function createBankPaySessionComponent(react: typeof React): BankPaySessionComponent {
  const { createElement, forwardRef, useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } = react;
  // Props must reach the element before the browser paints; on a server no effect runs at all,
  // and React 18 warns about a layout effect there.
  const useClientLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

  const BankPaySession = forwardRef<BankPaySessionElement, Omit<BankPaySessionProps, 'ref'>>(function BankPaySession(props, ref) {
    const node = useRef<BankPaySessionElement | null>(null);
    const applied = useRef(new Set<ElementProperty>());
    const listeners = useRef(new Map<BankPaySessionEventName, Listener>());
    const serverHtml = useSyncExternalStore(subscribeNever, inBrowser, onServerOrHydrating);
    // Kept as the same object for the component's life, so React never writes the frame again:
    // when a later session starts, the element removes the old frame and makes its own.
    const [frame] = useState(() => {
      const written = serverHtml && props.children == null ? writtenFrame(props.src, props.lang) : undefined;
      return written ? { __html: frameHtml(written) } : undefined;
    });
    const { element, host } = splitProps(props);

    useClientLayoutEffect(() => {
      const target = node.current;
      if (!target) return;
      const properties = target as unknown as Record<ElementProperty, unknown>;
      for (const name of new Set([...applied.current, ...(Object.keys(element) as ElementProperty[])])) {
        // React 19 sets `src` and `lang` as properties, since the element has them: their
        // attributes, which React 18 and servers write, would then keep an old value.
        const attribute = PROPERTY_ATTRIBUTES[name];
        const text = attributeText(element[name]);
        if (target.getAttribute(attribute) !== (text ?? null)) {
          if (text === undefined) target.removeAttribute(attribute);
          else target.setAttribute(attribute, text);
        }
        // No dirty check: the element does its own. The attribute first, so the typed value wins.
        properties[name] = element[name];
      }
      applied.current = new Set(Object.keys(element) as ElementProperty[]);

      for (const [eventName, propName] of EVENTS) {
        const handler = (props as Record<string, unknown>)[propName] as Listener['handleEvent'] | undefined;
        const listener = listeners.current.get(eventName);
        if (handler && listener) listener.handleEvent = handler;
        else if (handler) {
          const added = { handleEvent: handler };
          listeners.current.set(eventName, added);
          target.addEventListener(eventName, added);
        } else if (listener) {
          listeners.current.delete(eventName);
          target.removeEventListener(eventName, listener);
        }
      }
    });

    const setRef = useCallback(
      (element: BankPaySessionElement | null) => {
        node.current = element;
        if (typeof ref === 'function') ref(element);
        else if (ref) ref.current = element;
      },
      [ref],
    );

    return createElement('bank-pay-session', {
      ...host,
      ...attributesOf(element),
      // The element sets attributes of its own (`state`) as soon as it starts, which may be
      // before hydration.
      suppressHydrationWarning: true,
      dangerouslySetInnerHTML: frame,
      ref: setRef,
    });
  });
  BankPaySession.displayName = 'BankPaySession';
  return BankPaySession as BankPaySessionComponent;
}
