/**
 * ProblemDetails answers (RFC 7807, `application/problem+json`), shaped like the ASP.NET
 * ones the provider returns: `type` is the RFC section of the status code.
 */

import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from '../protocol/problem.js';

const STATUS_TEXT: Readonly<Record<number, readonly [title: string, type: string]>> = {
  400: ['Bad Request', 'https://tools.ietf.org/html/rfc9110#section-15.5.1'],
  401: ['Unauthorized', 'https://tools.ietf.org/html/rfc9110#section-15.5.2'],
  404: ['Not Found', 'https://tools.ietf.org/html/rfc9110#section-15.5.5'],
  405: ['Method Not Allowed', 'https://tools.ietf.org/html/rfc9110#section-15.5.6'],
  409: ['Conflict', 'https://tools.ietf.org/html/rfc9110#section-15.5.10'],
  413: ['Content Too Large', 'https://tools.ietf.org/html/rfc9110#section-15.5.14'],
  415: ['Unsupported Media Type', 'https://tools.ietf.org/html/rfc9110#section-15.5.16'],
  429: ['Too Many Requests', 'https://tools.ietf.org/html/rfc6585#section-4'],
  500: ['Internal Server Error', 'https://tools.ietf.org/html/rfc9110#section-15.6.1'],
  503: ['Service Unavailable', 'https://tools.ietf.org/html/rfc9110#section-15.6.4'],
};

export interface ProblemInit {
  /** The request path the problem is about. */
  readonly instance?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra members, e.g. `errors` for field validation. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

function problemBody(status: number, detail: string, init: ProblemInit = {}): ProblemDetails {
  const [title, type] = STATUS_TEXT[status] ?? ['Error', 'about:blank'];
  const body: Record<string, unknown> = { type, title, status, detail };
  if (init.instance !== undefined) body.instance = init.instance;
  // Extensions never overwrite a standard member.
  for (const [key, value] of Object.entries(init.extensions ?? {})) if (!Object.hasOwn(body, key)) body[key] = value;
  return body as unknown as ProblemDetails;
}

export function problemResponse(status: number, detail: string, init: ProblemInit = {}): Response {
  return new Response(JSON.stringify(problemBody(status, detail, init)), {
    status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...init.headers },
  });
}

export interface FieldError {
  /** Dotted path of the bad field, e.g. `payor.firstName`. */
  readonly field: string;
  readonly message: string;
}

/** 400 naming the first bad field in `detail` and every one in `errors`, as ASP.NET's ValidationProblemDetails does. */
export function validationProblem(errors: readonly FieldError[], instance: string): Response {
  // A Map, not an object literal: a field named `__proto__` must stay an ordinary key.
  const grouped = new Map<string, string[]>();
  for (const { field, message } of errors) grouped.set(field, [...(grouped.get(field) ?? []), message]);
  const first = errors[0];
  const detail = first ? `${first.field}: ${first.message}` : 'the request is invalid';
  return problemResponse(400, detail, { instance, extensions: { errors: Object.fromEntries(grouped) } });
}

/** 405 in the ProblemDetails shape, with `Allow`. */
export function methodNotAllowedProblem(allowed: readonly string[], instance: string): Response {
  return problemResponse(405, `use ${allowed.join(' or ')} on this path`, { instance, headers: { Allow: allowed.join(', ') } });
}

export function jsonResponse(body: unknown, status = 200, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
}
