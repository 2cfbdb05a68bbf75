/**
 * The tag as a server writes it, for the React and Vue wrappers: each settable property under
 * its attribute name, and the hosted flow's `<iframe>` that the element adopts when it starts
 * (same `src`), so the flow loads while the page is parsed, before any script has run.
 * Runs on servers too: nothing here touches the DOM.
 */
import type { BankPaySession } from './bank-pay-session.js';
import { frameSource } from './src-policy.js';
import { pickLang, STRINGS } from './strings.js';

/**
 * Each settable property and its attribute, as the class declares them (Lit's default attribute
 * is the lowercased property name). A list rather than a read of the class's `properties`, so
 * a module that only needs names does not load Lit; test/unit/manifest-wrappers.test.ts holds it
 * to custom-elements.json.
 */
export const PROPERTY_ATTRIBUTES = {
  src: 'src',
  sessionId: 'session-id',
  cancelUrl: 'cancel-url',
  cancelToken: 'cancel-token',
  statusUrl: 'status-url',
  expiresAt: 'expires-at',
  cancelOn: 'cancel-on',
  hiddenDelay: 'hidden-delay',
  mode: 'mode',
  lang: 'lang',
} as const satisfies Partial<Record<keyof BankPaySession, string>>;

export type SettableProperty = keyof typeof PROPERTY_ATTRIBUTES;

/** A property's value as attribute text; undefined (no attribute) when unset. */
export function attributeText(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/** `{'session-id': '…', src: '…'}` for the properties that are set. */
export function attributesOf(properties: Partial<Record<SettableProperty, unknown>>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [property, attribute] of Object.entries(PROPERTY_ATTRIBUTES)) {
    const text = attributeText(properties[property as SettableProperty]);
    if (text !== undefined) attributes[attribute] = text;
  }
  return attributes;
}

export interface WrittenFrame {
  readonly src: string;
  readonly title: string;
}

/**
 * The frame to write for a session, or undefined when none may be written. Only an absolute URL
 * that the element would frame: a server cannot resolve a relative one against the page, and
 * a frame the element refuses would have loaded before the element could remove it. The title
 * is the element's own frame title in the given language (English without one).
 */
export function writtenFrame(src: unknown, lang: unknown): WrittenFrame | undefined {
  if (typeof src !== 'string' || !src) return undefined;
  // No base to resolve against: only absolute URLs parse.
  const url = frameSource(src, 'invalid:');
  return url ? { src: url.href, title: STRINGS[pickLang(typeof lang === 'string' ? lang : undefined)].frame } : undefined;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };

/** The frame as HTML, for a framework that writes inner HTML (React's dangerouslySetInnerHTML). */
export function frameHtml({ src, title }: WrittenFrame): string {
  const escape = (text: string) => text.replace(/[&"<>]/g, (char) => ESCAPES[char]!);
  return `<iframe src="${escape(src)}" title="${escape(title)}"></iframe>`;
}
