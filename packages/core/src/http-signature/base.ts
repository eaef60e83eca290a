import { KakeiboError } from '../errors.js';
import { parseDictionary, serializeInnerList, serializeString, Token } from './structured-fields.js';

/**
 * RFC 9421 signature base, and the Signature-Input / Signature fields of the one signature we use
 * (label `sig1`): which components it covers and with which parameters.
 */

export const SIGNATURE_LABEL = 'sig1';
/** Longest Signature, Signature-Input or Content-Digest header accepted. */
export const MAX_SIGNATURE_HEADER_LENGTH = 4096;
export const MAX_COVERED_COMPONENTS = 16;
export const NONCE_MIN_LENGTH = 16;
export const NONCE_MAX_LENGTH = 128;

/** What every signature must cover; `authorization` is added whenever the request carries it. */
export const REQUIRED_COMPONENTS = Object.freeze(['@method', '@path', '@query', 'content-digest'] as const);

export type SignatureParamValue = string | number;

/** The covered components and the parameters, in the order they are serialised. */
export interface SignatureInput {
  components: string[];
  params: Array<[string, SignatureParamValue]>;
}

export interface ParsedSignatureInput extends SignatureInput {
  created: number;
  expires: number | undefined;
  nonce: string;
  keyid: string;
  alg: string | undefined;
}

/** What the derived components and header fields of a request are read from. */
export interface MessageComponents {
  method: string;
  path: string;
  /** `''` or `'?a=1&b=2'`, exactly as sent. */
  query: string;
  /** A header field value by lower-case name, or `undefined` when the request has none. */
  field: (name: string) => string | undefined;
}

const malformed = (message: string, details?: Record<string, unknown>) =>
  new KakeiboError('signature.malformed', message, details);

/** The `@signature-params` value: the inner list with its parameters, as after `sig1=` in Signature-Input. */
export const serializeSignatureParams = (input: SignatureInput): string =>
  serializeInnerList(input.components, input.params);

/** `@query` per RFC 9421 §2.2.7: the query with its leading `?`, or `?` alone when there is none. */
export const queryComponent = (query: string): string => (query.startsWith('?') ? query : `?${query}`);

function componentValue(message: MessageComponents, name: string): string {
  switch (name) {
    case '@method':
      return message.method.toUpperCase();
    case '@path':
      return message.path === '' ? '/' : message.path;
    case '@query':
      return queryComponent(message.query);
  }
  if (name.startsWith('@')) {
    throw new KakeiboError('signature.components', `The derived component "${name}" is not supported.`);
  }
  const value = message.field(name);
  if (value === undefined) {
    throw new KakeiboError(
      'signature.components',
      `The signature covers "${name}" but the request has no ${name} header.`,
    );
  }
  return value;
}

/**
 * The signature base (RFC 9421 §2.5): one `"name": value` line per covered component, then the
 * `"@signature-params"` line, joined with `\n` and without a trailing newline.
 */
export function signatureBase(message: MessageComponents, input: SignatureInput): string {
  const lines = input.components.map((name) => {
    const value = componentValue(message, name);
    if (!/^[\x20-\x7e\t]*$/.test(value)) {
      throw malformed(
        `The value of "${name}" has characters a signature cannot cover (only printable ASCII).`,
      );
    }
    return `${serializeString(name)}: ${value}`;
  });
  lines.push(`"@signature-params": ${serializeSignatureParams(input)}`);
  return lines.join('\n');
}

const COMPONENT_NAME = /^@?[a-z0-9!#$%&'*+\-.^_`|~]+$/;

const PARAM_TYPES = new Map<string, 'integer' | 'string'>([
  ['created', 'integer'],
  ['expires', 'integer'],
  ['nonce', 'string'],
  ['keyid', 'string'],
  ['alg', 'string'],
  ['tag', 'string'],
]);

function checkLength(header: string, field: string): void {
  if (header.length > MAX_SIGNATURE_HEADER_LENGTH) {
    throw malformed(`The ${field} header is longer than ${MAX_SIGNATURE_HEADER_LENGTH} characters.`);
  }
}

/** Parses the `sig1` member of a Signature-Input header, checking its components and parameters. */
export function parseSignatureInput(header: string, label: string = SIGNATURE_LABEL): ParsedSignatureInput {
  checkLength(header, 'Signature-Input');
  const member = parseDictionary(header, 'Signature-Input').get(label);
  if (!member) throw malformed(`The Signature-Input header has no "${label}" signature.`);
  if (member.kind !== 'list') throw malformed(`The Signature-Input "${label}" member is not an inner list.`);
  if (member.items.length > MAX_COVERED_COMPONENTS) {
    throw malformed(`A signature may cover at most ${MAX_COVERED_COMPONENTS} components.`);
  }

  const components: string[] = [];
  for (const item of member.items) {
    if (typeof item.value !== 'string' || !COMPONENT_NAME.test(item.value)) {
      throw malformed('Each covered component must be a quoted lower-case component name.');
    }
    if (item.params.length > 0)
      throw malformed(`Component parameters (on "${item.value}") are not supported.`);
    if (components.includes(item.value)) throw malformed(`The component "${item.value}" is covered twice.`);
    components.push(item.value);
  }

  const params: Array<[string, SignatureParamValue]> = [];
  for (const [key, value] of member.params) {
    const type = PARAM_TYPES.get(key);
    if (!type) throw malformed(`The signature parameter "${key}" is not supported.`);
    if (value instanceof Token || typeof value === 'boolean' || value instanceof Uint8Array) {
      throw malformed(
        `The signature parameter "${key}" must be ${type === 'integer' ? 'an integer' : 'a string'}.`,
      );
    }
    if ((type === 'integer') !== (typeof value === 'number')) {
      throw malformed(
        `The signature parameter "${key}" must be ${type === 'integer' ? 'an integer' : 'a string'}.`,
      );
    }
    params.push([key, value]);
  }

  const get = (key: string) => params.find(([k]) => k === key)?.[1];
  const created = get('created');
  const expires = get('expires');
  const nonce = get('nonce');
  const keyid = get('keyid');
  const alg = get('alg');
  if (typeof created !== 'number' || created < 0) {
    throw malformed('The signature has no "created" parameter (a non-negative integer).');
  }
  if (expires !== undefined && (typeof expires !== 'number' || expires < created)) {
    throw malformed('The signature "expires" parameter is earlier than "created".');
  }
  if (typeof nonce !== 'string') throw malformed('The signature has no "nonce" parameter.');
  if (nonce.length < NONCE_MIN_LENGTH || nonce.length > NONCE_MAX_LENGTH) {
    throw malformed(
      `The signature nonce must be ${NONCE_MIN_LENGTH} to ${NONCE_MAX_LENGTH} characters long.`,
    );
  }
  if (typeof keyid !== 'string' || keyid === '') throw malformed('The signature has no "keyid" parameter.');

  return {
    components,
    params,
    created,
    expires: expires as number | undefined,
    nonce,
    keyid,
    alg: alg as string | undefined,
  };
}

/** The signature bytes of the `sig1` member of a Signature header. */
export function parseSignature(header: string, label: string = SIGNATURE_LABEL): Uint8Array {
  checkLength(header, 'Signature');
  const member = parseDictionary(header, 'Signature').get(label);
  if (!member) throw malformed(`The Signature header has no "${label}" signature.`);
  if (member.kind !== 'item' || !(member.value instanceof Uint8Array)) {
    throw malformed(`The Signature "${label}" member is not a byte sequence.`);
  }
  return member.value;
}

/** A header's value as RFC 9421 §2.1 covers it: each line trimmed, repeated lines joined with ", ". */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
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
  return typeof raw === 'string' ? raw.trim() : raw.map((line) => line.trim()).join(', ');
}
