/**
 * Reads request bodies defensively: a size cap (Hono's body limit), a media-type check, strict
 * UTF-8 and JSON decoding. Every failure is a ready ProblemDetails response, never a thrown error.
 */

import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { mediaType } from '../protocol/beacon-body.js';
import { problemResponse } from './problem.js';

export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: Response };

/**
 * Past the cap the rest of a streamed body is still read and thrown away, up to this much, so
 * the client gets its 413 instead of a connection reset mid-upload. Beyond it the read stops.
 */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let size = 0;
  try {
    while (size <= DRAIN_LIMIT_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing to drain.
  }
}

/**
 * The size cap: Hono's body limit refuses a declared Content-Length over the cap at once and
 * counts the bytes of a chunked body as they stream, so neither a lying nor an absent length
 * gets past it. It stops reading there; the rest of a refused body is drained here.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => problemResponse(413, `the request body is larger than ${maxBytes} bytes`, { instance: c.req.path }),
  });
  return async (c, next) => {
    const request = c.req.raw;
    if (!request.body) return next();
    // The limit reads through this stream, so what it leaves unread is still ours to drain.
    const reader = request.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
    });
    c.req.raw = new Request(request, { body, duplex: 'half' } as RequestInit);
    const refused = await limit(c, next);
    if (refused && !(Number(request.headers.get('content-length')) > DRAIN_LIMIT_BYTES)) await drain(reader);
    return refused;
  };
}

/** The body as strict UTF-8 text. The size was capped by `limitBody` before the handler ran. */
export async function readBodyText(request: Request, instance: string): Promise<Read<string>> {
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(await request.arrayBuffer()) };
  } catch {
    return { ok: false, response: problemResponse(400, 'the request body is not valid UTF-8', { instance }) };
  }
}

/** Reads a JSON body: the media type must be `application/json`, the text valid JSON. */
export async function readJsonBody(request: Request, instance: string): Promise<Read<unknown>> {
  const type = mediaType(request.headers.get('content-type'));
  if (type !== 'application/json') {
    return {
      ok: false,
      response: problemResponse(415, `the body must be application/json${type ? `, not ${type}` : ''}`, { instance }),
    };
  }
  const text = await readBodyText(request, instance);
  if (!text.ok) return text;
  if (text.value.trim() === '') return { ok: false, response: problemResponse(400, 'the request body is empty; a JSON object is required', { instance }) };
  try {
    return { ok: true, value: JSON.parse(text.value) as unknown };
  } catch {
    return { ok: false, response: problemResponse(400, 'the request body is not valid JSON', { instance }) };
  }
}

/** Reads an `application/x-www-form-urlencoded` body; an empty body without a type is an empty form. */
export async function readFormBody(request: Request, instance: string): Promise<Read<URLSearchParams>> {
  const type = mediaType(request.headers.get('content-type'));
  const text = await readBodyText(request, instance);
  if (!text.ok) return text;
  if (type !== 'application/x-www-form-urlencoded' && !(type === '' && text.value === '')) {
    return {
      ok: false,
      response: problemResponse(415, `the body must be application/x-www-form-urlencoded${type ? `, not ${type}` : ''}`, { instance }),
    };
  }
  return { ok: true, value: new URLSearchParams(text.value) };
}

/** A JSON value that must be a plain object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
