/**
 * The Vue component's props and emits: pure data, so they can be checked against
 * custom-elements.json without a browser (test/unit/manifest-wrappers.test.ts). The mapped
 * types make the emits exhaustive: an event the element adds without an entry here is a
 * compile error.
 */
import type { PropType } from 'vue';
import type { BankPaySession as BankPaySessionElement, BankPaySessionEventMap } from '../element/index.js';

export type BankPaySessionEventName = keyof BankPaySessionEventMap;

/** Each prop is the element property of the same name, set as a property (not an attribute). */
export const bankPaySessionProps = {
  src: String,
  sessionId: String,
  cancelUrl: String,
  cancelToken: String,
  statusUrl: String,
  expiresAt: [String, Number] as PropType<BankPaySessionElement['expiresAt']>,
  cancelOn: String,
  hiddenDelay: Number,
  mode: String as PropType<NonNullable<BankPaySessionElement['mode']>>,
  lang: String,
} as const;

// Vue only runs emit validators in development, to warn; every event is an Event subclass.
const isEvent = (event: Event): boolean => event instanceof Event;

export const bankPaySessionEmits: { [Name in BankPaySessionEventName]: (event: BankPaySessionEventMap[Name]) => boolean } = {
  'bps-ready': isEvent,
  'bps-step': isEvent,
  'bps-close-request': isEvent,
  'bps-cancel': isEvent,
  'bps-exit': isEvent,
  'bps-restart': isEvent,
  'bps-state-change': isEvent,
};

export const EVENT_NAMES = Object.keys(bankPaySessionEmits) as BankPaySessionEventName[];
