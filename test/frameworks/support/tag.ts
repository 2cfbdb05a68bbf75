/** Reads `<bank-pay-session …><iframe …></iframe></bank-pay-session>` out of server HTML. */

export interface WrittenTag {
  /** The element's attributes, by name. */
  element: Record<string, string>;
  /** The attributes of the frame written inside it. */
  frame: Record<string, string>;
}

const TAG = /<bank-pay-session ([^>]*)><iframe ([^>]*)><\/iframe><\/bank-pay-session>/;

function attributes(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, name, value]) => [name!, value!]));
}

/** The tag with a frame inside, or undefined when the HTML has none. */
export function writtenTag(html: string): WrittenTag | undefined {
  const match = TAG.exec(html);
  return match ? { element: attributes(match[1]!), frame: attributes(match[2]!) } : undefined;
}
