import { fromBase64, toBase64 } from '../encoding/base64.js';
import { KakeiboError } from '../errors.js';

/**
 * The part of RFC 8941 (Structured Field Values) that signatures and digests use: dictionaries whose
 * members are items or inner lists, with parameters. It faces the internet, so it is strict and bounded:
 * decimals are refused (nothing here uses them), a repeated key is an error rather than "last wins"
 * (so what is verified is exactly what was sent), and lists, dictionaries and parameters are capped.
 */

export type BareItem = number | string | Uint8Array | boolean | Token;

/** An sf-token, kept apart from sf-strings so the two never compare equal. */
export class Token {
  constructor(readonly value: string) {}
}

/** Parameters in the order they were written; keys are unique. */
export type Params = Array<[string, BareItem]>;

export interface Item {
  kind: 'item';
  value: BareItem;
  params: Params;
}

export interface InnerList {
  kind: 'list';
  items: Item[];
  params: Params;
}

export type Dictionary = Map<string, Item | InnerList>;

/** Caps on what one field may hold: members of a dictionary, items of an inner list, parameters of one item. */
export const SF_LIMITS = Object.freeze({ maxMembers: 16, maxListItems: 16, maxParams: 16 });

const KEY_START = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_START = /[A-Za-z*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

class Parser {
  private pos = 0;

  constructor(
    private readonly input: string,
    private readonly field: string,
  ) {}

  fail(reason: string): never {
    throw new KakeiboError('signature.malformed', `The ${this.field} header cannot be parsed: ${reason}.`, {
      header: this.field,
      position: this.pos,
    });
  }

  private peek(): string | undefined {
    return this.input[this.pos];
  }

  private skip(chars: string): void {
    while (this.pos < this.input.length && chars.includes(this.input[this.pos] as string)) this.pos++;
  }

  dictionary(): Dictionary {
    const dict: Dictionary = new Map();
    this.skip(' ');
    if (this.pos === this.input.length) return dict;
    for (;;) {
      const key = this.key();
      if (dict.has(key)) this.fail(`the key "${key}" appears twice`);
      if (dict.size === SF_LIMITS.maxMembers) this.fail(`it has more than ${SF_LIMITS.maxMembers} members`);
      if (this.peek() === '=') {
        this.pos++;
        dict.set(key, this.peek() === '(' ? this.innerList() : this.item());
      } else {
        dict.set(key, { kind: 'item', value: true, params: this.params() });
      }
      this.skip(' \t');
      if (this.pos === this.input.length) return dict;
      if (this.peek() !== ',') this.fail(`expected "," after the member "${key}"`);
      this.pos++;
      this.skip(' \t');
      if (this.pos === this.input.length) this.fail('it ends with a trailing comma');
    }
  }

  private innerList(): InnerList {
    this.pos++; // "("
    const items: Item[] = [];
    for (;;) {
      this.skip(' ');
      if (this.peek() === ')') {
        this.pos++;
        return { kind: 'list', items, params: this.params() };
      }
      if (this.pos >= this.input.length) this.fail('an inner list is not closed');
      if (items.length === SF_LIMITS.maxListItems)
        this.fail(`an inner list has more than ${SF_LIMITS.maxListItems} items`);
      items.push(this.item());
      const next = this.peek();
      if (next !== ' ' && next !== ')') this.fail('inner list items must be separated by spaces');
    }
  }

  private item(): Item {
    return { kind: 'item', value: this.bareItem(), params: this.params() };
  }

  private params(): Params {
    const params: Params = [];
    while (this.peek() === ';') {
      this.pos++;
      this.skip(' ');
      const key = this.key();
      if (params.some(([k]) => k === key)) this.fail(`the parameter "${key}" appears twice`);
      if (params.length === SF_LIMITS.maxParams)
        this.fail(`an item has more than ${SF_LIMITS.maxParams} parameters`);
      let value: BareItem = true;
      if (this.peek() === '=') {
        this.pos++;
        value = this.bareItem();
      }
      params.push([key, value]);
    }
    return params;
  }

  private key(): string {
    const start = this.pos;
    if (!KEY_START.test(this.peek() ?? '')) this.fail('expected a key (lower-case letters, digits, "_-.*")');
    this.pos++;
    while (KEY_CHAR.test(this.peek() ?? '')) this.pos++;
    return this.input.slice(start, this.pos);
  }

  private bareItem(): BareItem {
    const c = this.peek() ?? '';
    if (c === '-' || (c >= '0' && c <= '9')) return this.integer();
    if (c === '"') return this.string();
    if (c === ':') return this.byteSequence();
    if (c === '?') return this.boolean();
    if (TOKEN_START.test(c)) return this.token();
    return this.fail('expected an integer, string, token, byte sequence or boolean');
  }

  private integer(): number {
    const match = /^-?[0-9]{1,15}/.exec(this.input.slice(this.pos, this.pos + 17));
    if (!match) this.fail('expected an integer of 1 to 15 digits');
    this.pos += match[0].length;
    if (this.peek() === '.') this.fail('decimal numbers are not accepted');
    if (/[0-9]/.test(this.peek() ?? '')) this.fail('an integer has more than 15 digits');
    return Number(match[0]);
  }

  private string(): string {
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      const c = this.input[this.pos++];
      if (c === undefined) this.fail('a string is not closed');
      if (c === '"') return out;
      if (c === '\\') {
        const next = this.input[this.pos++];
        if (next !== '\\' && next !== '"') this.fail('a string has an invalid escape');
        out += next;
      } else {
        const code = c.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) this.fail('a string has a character outside printable ASCII');
        out += c;
      }
    }
  }

  private token(): Token {
    const start = this.pos++;
    while (TOKEN_CHAR.test(this.peek() ?? '')) this.pos++;
    return new Token(this.input.slice(start, this.pos));
  }

  private byteSequence(): Uint8Array {
    const start = ++this.pos;
    while (BASE64_CHAR.test(this.peek() ?? '')) this.pos++;
    if (this.peek() !== ':') this.fail('a byte sequence is not closed with ":"');
    const bytes = fromBase64(this.input.slice(start, this.pos));
    this.pos++;
    if (!bytes) this.fail('a byte sequence is not valid base64');
    return bytes;
  }

  private boolean(): boolean {
    this.pos++;
    const c = this.input[this.pos++];
    if (c === '1') return true;
    if (c === '0') return false;
    return this.fail('a boolean must be ?0 or ?1');
  }
}

/** Parses a Dictionary field (RFC 8941 §4.2.2); `field` names the header in error messages. */
export function parseDictionary(input: string, field: string): Dictionary {
  return new Parser(input, field).dictionary();
}

/** Serialises an sf-string: printable ASCII only, with `\` and `"` escaped. */
export function serializeString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw new KakeiboError(
      'signature.malformed',
      'A signature parameter may hold only printable ASCII characters.',
    );
  }
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Serialises an sf-integer (at most 15 digits). */
export function serializeInteger(value: number): string {
  if (!Number.isSafeInteger(value) || Math.abs(value) > 999_999_999_999_999) {
    throw new KakeiboError(
      'signature.malformed',
      'A signature parameter integer must have at most 15 digits.',
    );
  }
  return String(value);
}

export const serializeByteSequence = (bytes: Uint8Array): string => `:${toBase64(bytes)}:`;

/** Serialises any bare item (RFC 8941 §4.1.3): integer, string, token, byte sequence or boolean. */
export function serializeBareItem(value: BareItem): string {
  if (typeof value === 'number') return serializeInteger(value);
  if (typeof value === 'string') return serializeString(value);
  if (typeof value === 'boolean') return value ? '?1' : '?0';
  if (value instanceof Uint8Array) return serializeByteSequence(value);
  if (!/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/.test(value.value)) {
    throw new KakeiboError('signature.malformed', `"${value.value}" is not a valid token.`);
  }
  return value.value;
}

/** Serialises parameters (RFC 8941 §4.1.1.2): `;key=value` each, and a bare `;key` for true. */
export const serializeParams = (params: ReadonlyArray<readonly [string, BareItem]>): string =>
  params.map(([key, value]) => (value === true ? `;${key}` : `;${key}=${serializeBareItem(value)}`)).join('');

/** Serialises an inner list of string items, each with its own parameters, then the list's parameters. */
export function serializeInnerList(
  items: ReadonlyArray<string | { value: string; params: ReadonlyArray<readonly [string, BareItem]> }>,
  params: ReadonlyArray<readonly [string, BareItem]>,
): string {
  const list = items
    .map((item) =>
      typeof item === 'string'
        ? serializeString(item)
        : `${serializeString(item.value)}${serializeParams(item.params)}`,
    )
    .join(' ');
  return `(${list})${serializeParams(params)}`;
}
