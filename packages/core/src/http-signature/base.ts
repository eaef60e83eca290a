import { KakeiboError } from '../errors.js';
import { type ComponentId, componentValue, type SignedMessage, serializeComponentId } from './components.js';
import { type BareItem, parseDictionary, serializeInnerList, Token } from './structured-fields.js';

/**
 * RFC 9421 §2.3 and §2.5: the Signature-Input and Signature fields, and the signature base. Any label
 * and any covered components are read here; what a Kakeibo request must cover is policy.ts's to say.
 */

/** Longest Signature, Signature-Input or Content-Digest header accepted. */
export const MAX_SIGNATURE_HEADER_LENGTH = 4096;
export const MAX_COVERED_COMPONENTS = 16;

export type SignatureParamValue = BareItem;

/** The covered components and the signature parameters, in the order they are serialised. */
export interface SignatureInput {
  /** Component names (`'@method'`), or identifiers with parameters (`{ name: '@query-param', params }`). */
  components: ReadonlyArray<string | ComponentId>;
  params: ReadonlyArray<readonly [string, SignatureParamValue]>;
}

/** One signature's input as received: its components and parameters, and the parameters RFC 9421 names. */
export interface ParsedSignatureInput {
  label: string;
  components: ComponentId[];
  params: Array<[string, SignatureParamValue]>;
  created: number | undefined;
  expires: number | undefined;
  nonce: string | undefined;
  keyid: string | undefined;
  alg: string | undefined;
  tag: string | undefined;
}

const malformed = (message: string, details?: Record<string, unknown>) =>
  new KakeiboError('signature.malformed', message, details);

const componentId = (component: string | ComponentId): ComponentId =>
  typeof component === 'string' ? { name: component, params: [] } : component;

/** The `@signature-params` value: the inner list with its parameters, as after `label=` in Signature-Input. */
export const serializeSignatureParams = (input: SignatureInput): string =>
  serializeInnerList(
    input.components.map((c) => {
      const id = componentId(c);
      return { value: id.name, params: id.params };
    }),
    input.params,
  );

/**
 * The signature base (§2.5): one `"name";params: value` line per covered component, then the
 * `"@signature-params"` line, joined with `\n` and without a trailing newline.
 */
export function signatureBase(message: SignedMessage, input: SignatureInput): string {
  const lines = input.components.map((component) => {
    const id = componentId(component);
    const value = componentValue(message, id);
    if (!/^[\x20-\x7e\t]*$/.test(value)) {
      throw malformed(
        `The value of "${id.name}" has characters a signature cannot cover (only printable ASCII).`,
      );
    }
    return `${serializeComponentId(id)}: ${value}`;
  });
  lines.push(`"@signature-params": ${serializeSignatureParams(input)}`);
  return lines.join('\n');
}

/** §2.1: field names are lower case; derived component names start with `@`. */
const COMPONENT_NAME = /^@?[a-z0-9!#$%&'*+\-.^_`|~]+$/;

/** The types §2.3 gives the parameters it defines; other parameters are kept and covered as sent. */
const PARAM_TYPES: Record<string, 'integer' | 'string'> = {
  created: 'integer',
  expires: 'integer',
  nonce: 'string',
  keyid: 'string',
  alg: 'string',
  tag: 'string',
};

export function checkLength(header: string, field: string): void {
  if (header.length > MAX_SIGNATURE_HEADER_LENGTH) {
    throw malformed(`The ${field} header is longer than ${MAX_SIGNATURE_HEADER_LENGTH} characters.`);
  }
}

function checkParamType(key: string, value: BareItem): void {
  const type = PARAM_TYPES[key];
  if (!type) return;
  const fits = type === 'integer' ? typeof value === 'number' : typeof value === 'string';
  if (!fits || value instanceof Token) {
    throw malformed(
      `The signature parameter "${key}" must be ${type === 'integer' ? 'an integer' : 'a string'}.`,
    );
  }
}

/** Reads one member of a Signature-Input header: its covered components and its parameters. */
export function parseSignatureInput(header: string, label: string): ParsedSignatureInput {
  checkLength(header, 'Signature-Input');
  const member = parseDictionary(header, 'Signature-Input').get(label);
  if (!member) throw malformed(`The Signature-Input header has no "${label}" signature.`);
  if (member.kind !== 'list') throw malformed(`The Signature-Input "${label}" member is not an inner list.`);
  if (member.items.length > MAX_COVERED_COMPONENTS) {
    throw malformed(`A signature may cover at most ${MAX_COVERED_COMPONENTS} components.`);
  }

  const components: ComponentId[] = [];
  for (const item of member.items) {
    if (typeof item.value !== 'string' || !COMPONENT_NAME.test(item.value)) {
      throw malformed('Each covered component must be a quoted lower-case component name.');
    }
    const id: ComponentId = { name: item.value, params: item.params };
    // §3.2: the same component identifier (name and parameters) covered twice is an error.
    const key = serializeComponentId(id);
    if (components.some((c) => serializeComponentId(c) === key)) {
      throw malformed(`The component ${key} is covered twice.`);
    }
    components.push(id);
  }

  for (const [key, value] of member.params) checkParamType(key, value);
  const get = (key: string) => member.params.find(([k]) => k === key)?.[1];
  const created = get('created') as number | undefined;
  const expires = get('expires') as number | undefined;
  if (created !== undefined && expires !== undefined && expires < created) {
    throw malformed('The signature "expires" parameter is earlier than "created".');
  }
  return {
    label,
    components,
    params: member.params,
    created,
    expires,
    nonce: get('nonce') as string | undefined,
    keyid: get('keyid') as string | undefined,
    alg: get('alg') as string | undefined,
    tag: get('tag') as string | undefined,
  };
}

/** The labels of a Signature-Input or Signature header, in the order they were written. */
export function signatureLabels(header: string, field: 'Signature-Input' | 'Signature'): string[] {
  checkLength(header, field);
  return [...parseDictionary(header, field).keys()];
}

/** The signature bytes of one member of a Signature header. */
export function parseSignature(header: string, label: string): Uint8Array {
  checkLength(header, 'Signature');
  const member = parseDictionary(header, 'Signature').get(label);
  if (!member) throw malformed(`The Signature header has no "${label}" signature.`);
  if (member.kind !== 'item' || !(member.value instanceof Uint8Array)) {
    throw malformed(`The Signature "${label}" member is not a byte sequence.`);
  }
  return member.value;
}
