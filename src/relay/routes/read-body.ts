/** Reads a small beacon body as text, answering a clear 400 when the client broke off. */

import type { Context } from 'hono';

export async function readText(c: Context): Promise<string | undefined> {
  try {
    return await c.req.text();
  } catch {
    return undefined;
  }
}
