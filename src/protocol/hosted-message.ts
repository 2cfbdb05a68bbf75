/**
 * Parses what the hosted flow posts to its parent. Flinks' apps post `{step: "NAME", ...}`,
 * or the same object as a JSON string when their `stringify` option is on; a bare step
 * name is accepted too. Anything else is not a hosted-flow message.
 */

export interface HostedMessage {
  readonly step: string;
  /** Every other field the provider sent with the step, untouched. */
  readonly detail: Readonly<Record<string, unknown>>;
}

const STEP_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** A provider step name: `APP_MOUNTED`, `REDIRECT`, … (upper case, digits and underscores, at most 64). */
export function isStepName(value: unknown): value is string {
  return typeof value === 'string' && STEP_NAME.test(value);
}

function fromObject(value: unknown): HostedMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { step, ...rest } = value as Record<string, unknown>;
  // Spelled out rather than isStepName(): the element's bundle is 6 B smaller this way.
  if (typeof step !== 'string' || !STEP_NAME.test(step)) return undefined;
  return { step, detail: rest };
}

export function parseHostedMessage(data: unknown): HostedMessage | undefined {
  if (typeof data === 'string') {
    const text = data.trim();
    if (STEP_NAME.test(text)) return { step: text, detail: {} };
    if (!text.startsWith('{') || text.length > 16_384) return undefined;
    try {
      return fromObject(JSON.parse(text));
    } catch {
      return undefined;
    }
  }
  return fromObject(data);
}
