import { XMLParser } from 'fast-xml-parser';

/*
 * CAMT's XML as plain objects (fast-xml-parser): namespace prefixes removed, every value kept as text
 * (parseTagValue: false, so "8.850" stays "8.850" and no amount ever becomes a float), and the elements
 * that may repeat always arrays.
 */

export type XmlNode = { readonly [key: string]: unknown };

const REPEATED = new Set([
  'Stmt',
  'Rpt',
  'Ntfctn',
  'Bal',
  'Ntry',
  'NtryDtls',
  'TxDtls',
  'Ustrd',
  'Strd',
  'AddtlNtryInf',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => REPEATED.has(name),
});

export function readXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

const isNode = (value: unknown): value is XmlNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The element along `path` (the first of a repeated one), or undefined. */
export function at(node: unknown, ...path: string[]): unknown {
  let current: unknown = node;
  for (const name of path) {
    if (Array.isArray(current)) current = current[0];
    current = isNode(current) ? current[name] : undefined;
  }
  return current;
}

/** The element along `path` as an array (empty when absent). */
export function all(node: unknown, ...path: string[]): XmlNode[] {
  const found = at(node, ...path);
  if (found === undefined) return [];
  return (Array.isArray(found) ? found : [found]).filter(isNode);
}

/** The text of the element along `path` (its #text when it has attributes), or null. */
export function textAt(node: unknown, ...path: string[]): string | null {
  const found = at(node, ...path);
  const value = Array.isArray(found) ? found[0] : found;
  if (typeof value === 'string') return value;
  if (isNode(value) && typeof value['#text'] === 'string') return value['#text'];
  return null;
}

/** Every text of a repeated element along `path`. */
export function textsAt(node: unknown, ...path: string[]): string[] {
  const parent = path.length > 1 ? at(node, ...path.slice(0, -1)) : node;
  const last = path[path.length - 1] ?? '';
  const found = isNode(parent) ? parent[last] : undefined;
  const list = Array.isArray(found) ? found : found === undefined ? [] : [found];
  return list
    .map((v) => (typeof v === 'string' ? v : isNode(v) && typeof v['#text'] === 'string' ? v['#text'] : ''))
    .filter((s) => s !== '');
}

/** An attribute of the element along `path`. */
export function attrAt(node: unknown, name: string, ...path: string[]): string | null {
  const found = at(node, ...path);
  const value = Array.isArray(found) ? found[0] : found;
  return isNode(value) && typeof value[`@${name}`] === 'string' ? (value[`@${name}`] as string) : null;
}
