/**
 * A store error's message, fit for a log line: bounded, and without the credentials a Redis
 * URL may carry (`redis://user:password@host`).
 */
export function storeErrorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  return message.replace(/\/\/[^/\s@]*@/g, '//').slice(0, 300);
}
