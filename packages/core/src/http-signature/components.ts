import { KakeiboError } from '../errors.js';
import {
  type BareItem,
  serializeByteSequence,
  serializeParams,
  serializeString,
} from './structured-fields.js';

/**
 * RFC 9421 §2: the components a signature can cover, and their values in a message. A component is a
 * header field (lower-case name) or a derived component (`@method`, `@authority`, ...), optionally with
 * parameters (`"@query-param";name="Pet"`). Values are taken exactly as the RFC defines them, with no
 * policy of ours: which components must be covered is the verifier's caller's business (policy.ts).
 */

/** A component identifier: its name and its parameters, in the order they were written. */
export interface ComponentId {
  name: string;
  params: ReadonlyArray<readonly [string, BareItem]>;
}

/** What a message's components are read from. Request parts are absent on a response and vice versa. */
export interface SignedMessage {
  /** The request method exactly as sent (§2.2.1: no case is changed). */
  method?: string;
  /** `http` or `https`. */
  scheme?: string;
  /** The target URI's authority: host and port as sent in Host or :authority. */
  authority?: string;
  path?: string;
  /** `''` or `'?a=1&b=2'`, exactly as sent. */
  query?: string;
  /** A response's status code. */
  status?: number;
  /** A header field by lower-case name: its field lines in order, or `undefined` when there is none. */
  fieldLines: (name: string) => readonly string[] | undefined;
}

const componentsError = (message: string, details?: Record<string, unknown>) =>
  new KakeiboError('signature.components', message, details);

export const serializeComponentId = (id: ComponentId): string =>
  `${serializeString(id.name)}${serializeParams(id.params)}`;

/** `@query` per RFC 9421 §2.2.7: the query with its leading `?`, or `?` alone when there is none. */
export const queryComponent = (query: string): string => (query.startsWith('?') ? query : `?${query}`);

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/** §2.2.3: the authority normalised per RFC 9110 §4.2.3 (host lower-cased, a default port dropped). */
function authorityComponent(authority: string, scheme: string | undefined): string {
  const lower = authority.toLowerCase();
  const port = scheme ? DEFAULT_PORTS[scheme.toLowerCase()] : undefined;
  return port && lower.endsWith(`:${port}`) ? lower.slice(0, -(port.length + 1)) : lower;
}

/** Percent-decoding of application/x-www-form-urlencoded (`+` is a space); `undefined` if not UTF-8. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * §2.2.8: "percent-encode after encoding" with the application/x-www-form-urlencoded percent-encode
 * set, so only ASCII letters, digits and `*-._` stay as they are (a space becomes %20, not `+`).
 */
function formEncode(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9*\-._]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function queryParamComponent(query: string, name: string): string {
  const wanted = formDecode(name);
  const values: string[] = [];
  for (const pair of query.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const key = formDecode(at < 0 ? pair : pair.slice(0, at));
    if (key !== undefined && key === wanted) values.push(formDecode(at < 0 ? '' : pair.slice(at + 1)) ?? '');
  }
  if (values.length !== 1) {
    // §2.2.8: a parameter that is absent, or present more than once, cannot be covered on its own.
    throw componentsError(
      values.length === 0
        ? `The signature covers the query parameter "${name}" but the request has none.`
        : `The query parameter "${name}" occurs more than once, so it cannot be covered by name.`,
    );
  }
  return formEncode(values[0] as string);
}

function need<T>(value: T | undefined, name: string, what: string): T {
  if (value === undefined) throw componentsError(`The signature covers "${name}" but the ${what}.`);
  return value;
}

function derivedValue(message: SignedMessage, id: ComponentId): string {
  const { name } = id;
  const request = 'this message is not a request';
  switch (name) {
    case '@method':
      return need(message.method, name, request);
    case '@scheme':
      return need(message.scheme, name, request).toLowerCase();
    case '@authority':
      return authorityComponent(need(message.authority, name, 'request has no authority'), message.scheme);
    case '@target-uri': {
      const scheme = need(message.scheme, name, 'request has no scheme').toLowerCase();
      const authority = authorityComponent(need(message.authority, name, 'request has no authority'), scheme);
      return `${scheme}://${authority}${need(message.path, name, request) || '/'}${message.query ?? ''}`;
    }
    case '@request-target':
      return `${need(message.path, name, request) || '/'}${message.query ?? ''}`;
    case '@path':
      return need(message.path, name, request) || '/';
    case '@query':
      return queryComponent(need(message.query, name, request));
    case '@query-param': {
      const param = id.params.find(([key]) => key === 'name')?.[1];
      if (typeof param !== 'string') throw componentsError('"@query-param" needs a string "name" parameter.');
      return queryParamComponent(need(message.query, name, request), param);
    }
    case '@status':
      return String(need(message.status, name, 'message is not a response'));
  }
  throw componentsError(`The derived component "${name}" is not supported.`);
}

/** The component parameters this verifier implements; RFC 9421 §3.2 says to fail on any other. */
const SUPPORTED_PARAMS: Record<string, readonly string[]> = { '@query-param': ['name'] };
const FIELD_PARAMS = ['bs'];

function checkParams(id: ComponentId): void {
  const allowed = id.name.startsWith('@') ? (SUPPORTED_PARAMS[id.name] ?? []) : FIELD_PARAMS;
  for (const [key] of id.params) {
    if (!allowed.includes(key)) {
      throw componentsError(`The component parameter "${key}" (on "${id.name}") is not supported.`, {
        component: id.name,
        parameter: key,
      });
    }
  }
}

/**
 * A field's value (§2.1): each field line trimmed, the lines joined with ", "; with `bs` (§2.1.3),
 * each line as a byte sequence instead, so a value with commas in it cannot be confused with two.
 */
function fieldValue(message: SignedMessage, id: ComponentId): string {
  const lines = message.fieldLines(id.name);
  if (lines === undefined) {
    throw componentsError(`The signature covers "${id.name}" but the message has no ${id.name} header.`);
  }
  const trimmed = lines.map((line) => line.trim());
  if (!id.params.some(([key]) => key === 'bs')) return trimmed.join(', ');
  return trimmed.map((line) => serializeByteSequence(new TextEncoder().encode(line))).join(', ');
}

/** The value of one covered component in `message`, as its line of the signature base shows it. */
export function componentValue(message: SignedMessage, id: ComponentId): string {
  checkParams(id);
  return id.name.startsWith('@') ? derivedValue(message, id) : fieldValue(message, id);
}

/** Field lines from Node-style headers (lower-case names; a repeated field as an array of its lines). */
export function fieldLinesOf(
  headers: Record<string, string | readonly string[] | undefined>,
): (name: string) => readonly string[] | undefined {
  return (name) => {
    // Own properties only: a covered component named "constructor" must not find Object.prototype's.
    let raw = Object.hasOwn(headers, name) ? headers[name] : undefined;
    if (raw === undefined) {
      for (const key of Object.keys(headers)) {
        if (key.toLowerCase() === name && headers[key] !== undefined) {
          raw = headers[key];
          break;
        }
      }
    }
    if (raw === undefined) return undefined;
    return typeof raw === 'string' ? [raw] : raw;
  };
}

/** A header's value as RFC 9421 §2.1 covers it: each line trimmed, repeated lines joined with ", ". */
export function headerValue(
  headers: Record<string, string | readonly string[] | undefined>,
  name: string,
): string | undefined {
  return fieldLinesOf(headers)(name)
    ?.map((line) => line.trim())
    .join(', ');
}
