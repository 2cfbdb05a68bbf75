/**
 * Reads request bodies defensively: a size cap enforced while streaming (a lying or absent
 * Content-Length cannot get past it), a media-type check, strict UTF-8 and JSON decoding.
 * Every failure is a ready ProblemDetails response, never a thrown error.
 */

import { problemResponse } from './problem.js';

export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: Response };

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` → `application/json`. */
export function mediaTypeOf(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Past the cap the rest of the body is still read and thrown away, up to this much, so the
 * client gets its 413 instead of a connection reset mid-upload. Beyond it the read stops.
 */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

function tooLarge(limit: number, instance: string): Read<never> {
  return { ok: false, response: problemResponse(413, `the request body is larger than ${limit} bytes`, { instance }) };
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): Promise<void> {
  let size = alreadyRead;
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

export async function readBodyText(request: Request, limit: number, instance: string): Promise<Read<string>> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) return tooLarge(limit, instance);
  if (!request.body) return { ok: true, value: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let read: ReadableStreamReadResult<Uint8Array>;
    try {
      read = await reader.read();
    } catch {
      // The client broke off mid-body: a 400 that nobody will read, not an unexpected error.
      return { ok: false, response: problemResponse(400, 'the request body could not be read', { instance }) };
    }
    const { done, value } = read;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await drain(reader, size);
      return tooLarge(limit, instance);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, response: problemResponse(400, 'the request body is not valid UTF-8', { instance }) };
  }
}

/** Reads a JSON body: the media type must be `application/json`, the text valid JSON. */
export async function readJsonBody(request: Request, limit: number, instance: string): Promise<Read<unknown>> {
  const type = mediaTypeOf(request.headers.get('content-type'));
  if (type !== 'application/json') {
    return {
      ok: false,
      response: problemResponse(415, `the body must be application/json${type ? `, not ${type}` : ''}`, { instance }),
    };
  }
  const text = await readBodyText(request, limit, instance);
  if (!text.ok) return text;
  if (text.value.trim() === '') return { ok: false, response: problemResponse(400, 'the request body is empty; a JSON object is required', { instance }) };
  try {
    return { ok: true, value: JSON.parse(text.value) as unknown };
  } catch {
    return { ok: false, response: problemResponse(400, 'the request body is not valid JSON', { instance }) };
  }
}

/** Reads an `application/x-www-form-urlencoded` body; an empty body without a type is an empty form. */
export async function readFormBody(request: Request, limit: number, instance: string): Promise<Read<URLSearchParams>> {
  const type = mediaTypeOf(request.headers.get('content-type'));
  const text = await readBodyText(request, limit, instance);
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
