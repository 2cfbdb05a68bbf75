/**
 * Reads a small request body under a size cap. With a Content-Length (what beacons and the
 * provider send) the cap is checked on the header and the body read in one piece, which on
 * @hono/node-server takes its direct path from the socket; touching `c.req.raw.body` first,
 * as Hono's bodyLimit middleware does, turns every request into a full Fetch Request with a
 * web stream and costs more than the rest of a cancel. Without a Content-Length (chunked)
 * the stream is read chunk by chunk and cut at the cap.
 */

import type { Context } from 'hono';

export type BodyRead<T> = { readonly ok: true; readonly body: T } | { readonly ok: false; readonly reason: 'too-large' | 'unreadable' };

async function readCapped(c: Context, maxBytes: number): Promise<BodyRead<Uint8Array>> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
    if (!/^\d{1,12}$/.test(declared.trim())) return { ok: false, reason: 'unreadable' };
    if (Number(declared) > maxBytes) return { ok: false, reason: 'too-large' };
    try {
      return { ok: true, body: new Uint8Array(await c.req.arrayBuffer()) };
    } catch {
      return { ok: false, reason: 'unreadable' };
    }
  }
  const stream = c.req.raw.body;
  if (!stream) return { ok: true, body: new Uint8Array(0) };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, reason: 'too-large' };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body };
}

export async function readBytes(c: Context, maxBytes: number): Promise<BodyRead<Uint8Array>> {
  return readCapped(c, maxBytes);
}

const decoder = new TextDecoder();

export async function readText(c: Context, maxBytes: number): Promise<BodyRead<string>> {
  const read = await readCapped(c, maxBytes);
  return read.ok ? { ok: true, body: decoder.decode(read.body) } : read;
}
