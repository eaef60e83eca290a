/**
 * Import specifiers in TypeScript source: just enough of a lexer to find them and never mistake a
 * comment, a string, a template literal or a regular expression for one. Strings and regular
 * expressions end at a line break when unterminated, so text the lexer misreads (an apostrophe in JSX
 * text) costs at most the rest of its line, and imports sit on lines of their own.
 */

/** Keywords after which a `/` starts a regular expression rather than a division. */
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

const IDENTIFIER_START = /[\p{ID_Start}$_]/u;
/** Sticky: matches the whole identifier at lastIndex in one call (no per-character loop). */
const IDENTIFIER = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/uy;
const NUMBER = /[\w.]+/y;
const isDigit = (c) => c !== undefined && c >= '0' && c <= '9';

/**
 * The source's tokens that matter for imports: names, string literals (with their value) and single
 * punctuation characters. Template literals and regular expressions become one opaque token each.
 * @param {string} text
 * @returns {Array<{ kind: 'name' | 'string' | 'punct' | 'other', value: string }>}
 */
export function tokenize(text) {
  const tokens = [];
  /** For each open `{`: whether it opened a template literal's `${`, whose `}` resumes the template. */
  const braces = [];
  const length = text.length;
  let i = 0;

  const readTemplate = () => {
    // Called just past a backtick or a template's closing `}`; stops past the closing backtick or `${`.
    while (i < length) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '`') {
        i += 1;
        tokens.push({ kind: 'other', value: '`' });
        return;
      } else if (c === '$' && text[i + 1] === '{') {
        i += 2;
        braces.push(true);
        return;
      } else i += 1;
    }
  };

  while (i < length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < length && text[i] !== '\n') i += 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? length : end + 2;
    } else if (c === "'" || c === '"') {
      let value = '';
      i += 1;
      while (i < length && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\') {
          value += text[i + 1] ?? '';
          i += 2;
        } else value += text[i++];
      }
      i += 1;
      tokens.push({ kind: 'string', value });
    } else if (c === '`') {
      i += 1;
      readTemplate();
    } else if (c === '{') {
      braces.push(false);
      tokens.push({ kind: 'punct', value: c });
      i += 1;
    } else if (c === '}') {
      i += 1;
      if (braces.pop()) readTemplate();
      else tokens.push({ kind: 'punct', value: c });
    } else if (IDENTIFIER_START.test(c)) {
      IDENTIFIER.lastIndex = i;
      IDENTIFIER.test(text);
      tokens.push({ kind: 'name', value: text.slice(i, IDENTIFIER.lastIndex) });
      i = IDENTIFIER.lastIndex;
    } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      NUMBER.lastIndex = i;
      NUMBER.test(text);
      i = NUMBER.lastIndex;
      tokens.push({ kind: 'other', value: 'number' });
    } else if (c === '/' && startsRegularExpression(tokens.at(-1))) {
      i += 1;
      let inClass = false;
      while (i < length && text[i] !== '\n' && (inClass || text[i] !== '/')) {
        if (text[i] === '\\') i += 1;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        i += 1;
      }
      if (text[i] === '/') {
        i += 1;
        while (i < length && /\w/.test(text[i])) i += 1;
      }
      tokens.push({ kind: 'other', value: 'regexp' });
    } else {
      tokens.push({ kind: 'punct', value: c });
      i += 1;
    }
  }
  return tokens;
}

/** A `/` after a value (a name, a literal, `)` or `]`) divides; anywhere else it opens a regex. */
function startsRegularExpression(previous) {
  if (!previous) return true;
  if (previous.kind === 'name') return KEYWORDS_BEFORE_EXPRESSION.has(previous.value);
  if (previous.kind === 'string' || previous.kind === 'other') return false;
  return previous.value !== ')' && previous.value !== ']' && previous.value !== '}';
}

/** Tokens that may sit between `import`/`export` and `from` in an import or re-export clause. */
const CLAUSE_PUNCTUATION = new Set(['{', '}', ',', '*']);

/**
 * Every module specifier the source imports, and whether that import is type-only (`import type`,
 * `export type … from`). `import { type A }` is not: under verbatimModuleSyntax it still loads the module.
 * @param {string} text
 * @returns {Array<{ specifier: string, typeOnly: boolean }>}
 */
export function findImports(text) {
  const tokens = tokenize(text);
  const imports = [];
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    if (token.kind !== 'name' || (token.value !== 'import' && token.value !== 'export')) continue;
    // `x.import` and `import.meta` are not imports.
    if (tokens[k - 1]?.value === '.' || tokens[k + 1]?.value === '.') continue;
    const next = tokens[k + 1];
    if (token.value === 'import' && next?.kind === 'string') {
      imports.push({ specifier: next.value, typeOnly: false });
      continue;
    }
    if (token.value === 'import' && next?.value === '(') {
      const argument = tokens[k + 2];
      if (argument?.kind === 'string') imports.push({ specifier: argument.value, typeOnly: false });
      continue;
    }
    // `import type from './x.js'` imports a default export named "type": not a type-only import.
    const afterType = tokens[k + 2];
    const typeOnly =
      next?.kind === 'name' &&
      next.value === 'type' &&
      afterType !== undefined &&
      afterType.value !== 'from' &&
      afterType.value !== ',';
    // Walk the clause up to `from '…'`; anything else (`=`, `(`, `;`, a keyword) means a declaration.
    for (let j = k + 1; j < tokens.length; j++) {
      const part = tokens[j];
      if (part.kind === 'name' && part.value === 'from' && tokens[j + 1]?.kind === 'string') {
        imports.push({ specifier: tokens[j + 1].value, typeOnly });
        break;
      }
      const inClause =
        (part.kind === 'name' && part.value !== 'import' && part.value !== 'export') ||
        (part.kind === 'punct' && CLAUSE_PUNCTUATION.has(part.value));
      if (!inClause) break;
    }
  }
  return imports;
}
