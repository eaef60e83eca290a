import type { Warnings } from '../../warnings.js';

/*
 * A tolerant reader for OFX's markup, SGML (OFX 1) and XML (OFX 2) alike: leaf elements may or may not
 * be closed, aggregates are. Values are entity-decoded; CDATA is kept verbatim. One reader for both
 * versions, because "OFX 2" files from banks are often not well-formed XML (unclosed leaves, a bare
 * '&'), and both then map to statements through the same code.
 */

export interface OfxNode {
  readonly name: string;
  value: string | null;
  readonly children: OfxNode[];
  /** The line (1-based) the element starts on. */
  readonly line: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return safeCodePoint(Number.parseInt(name.slice(2), 16)) ?? whole;
    if (name.startsWith('#')) return safeCodePoint(Number.parseInt(name.slice(1), 10)) ?? whole;
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function safeCodePoint(n: number): string | null {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff)
    ? String.fromCodePoint(n)
    : null;
}

/** Counts lines lazily as the reader moves forward through the text. */
function lineCounter(text: string) {
  let pos = 0;
  let line = 1;
  return (at: number) => {
    for (; pos < at; pos += 1) if (text.charCodeAt(pos) === 10) line += 1;
    return line;
  };
}

/** A run of text between tags: plain (entity-decoded, trimmed) and CDATA (kept as written). */
class PendingText {
  private plain = '';
  private cdata: string[] = [];

  addPlain(raw: string) {
    this.plain += raw;
  }
  addCdata(raw: string) {
    this.cdata.push(raw);
  }
  take(): string | null {
    const plain = decodeEntities(this.plain).trim();
    const value = this.cdata.length ? this.cdata.join('') + plain : plain;
    this.plain = '';
    this.cdata = [];
    return value === '' ? null : value;
  }
}

/** Reads the body of an OFX file (from its first '<') into a tree under a synthetic root. */
export function readOfxMarkup(text: string, warnings: Warnings): OfxNode {
  const root: OfxNode = { name: '#root', value: null, children: [], line: 1 };
  const stack: OfxNode[] = [root];
  const lineAt = lineCounter(text);
  const pending = new PendingText();
  const top = () => stack[stack.length - 1] as OfxNode;

  const flushText = () => {
    const value = pending.take();
    const node = top();
    if (value !== null && node !== root && node.children.length === 0 && node.value === null)
      node.value = value;
  };

  /**
   * Closes the innermost open element named `name`. Elements opened after it and never closed were
   * leaves without closing tags (SGML): whatever was read as their children are their siblings.
   */
  const close = (name: string, at: number) => {
    let index = stack.length - 1;
    while (index > 0 && stack[index]?.name !== name) index -= 1;
    if (index === 0) {
      warnings.add(lineAt(at), 'ofx.stray_close', `closing tag </${name}> without an opening one ignored`);
      return;
    }
    for (let i = stack.length - 1; i > index; i -= 1) {
      const node = stack[i] as OfxNode;
      const parent = stack[i - 1] as OfxNode;
      const adopted = node.children.splice(0);
      parent.children.splice(parent.children.indexOf(node) + 1, 0, ...adopted);
    }
    stack.length = index;
  };

  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      pending.addPlain(text.slice(i));
      break;
    }
    pending.addPlain(text.slice(i, lt));
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      pending.addCdata(text.slice(lt + 9, end < 0 ? text.length : end));
      i = end < 0 ? text.length : end + 3;
      continue;
    }
    if (text.startsWith('<!--', lt) || text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      const closer = text.startsWith('<!--', lt) ? '-->' : text.startsWith('<?', lt) ? '?>' : '>';
      const end = text.indexOf(closer, lt + 2);
      i = end < 0 ? text.length : end + closer.length;
      continue;
    }
    const gt = text.indexOf('>', lt + 1);
    const tag = /^<(\/?)([A-Za-z][\w.:-]*)[^>]*?(\/?)$/.exec(text.slice(lt, gt < 0 ? text.length : gt));
    if (!tag) {
      // A '<' that starts no tag ("<5 items"): part of the text, as SGML banks write it.
      pending.addPlain('<');
      i = lt + 1;
      continue;
    }
    flushText();
    i = gt < 0 ? text.length : gt + 1;
    const name = (tag[2] ?? '').toUpperCase();
    if (tag[1] === '/') {
      close(name, lt);
      continue;
    }
    const current = top();
    // A leaf that already has its value ends where the next element begins.
    if (current !== root && current.value !== null && current.children.length === 0) stack.pop();
    const node: OfxNode = { name, value: null, children: [], line: lineAt(lt) };
    top().children.push(node);
    if (tag[3] !== '/') stack.push(node);
  }
  flushText();
  return root;
}

/** The first child (or, with a path, descendant along it) of that name. */
export function child(node: OfxNode | undefined, ...path: string[]): OfxNode | undefined {
  let current = node;
  for (const name of path) current = current?.children.find((c) => c.name === name);
  return current;
}

/** The value of the child along `path`, or null. */
export function leafValue(node: OfxNode | undefined, ...path: string[]): string | null {
  return child(node, ...path)?.value ?? null;
}

/** Every element of one of `names` anywhere below `node`, in document order (not below a match). */
export function findAll(node: OfxNode, names: ReadonlySet<string>): OfxNode[] {
  const found: OfxNode[] = [];
  const visit = (n: OfxNode) => {
    for (const c of n.children) {
      if (names.has(c.name)) found.push(c);
      else visit(c);
    }
  };
  visit(node);
  return found;
}
