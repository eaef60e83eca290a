import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The import-cycle check (scripts/check-import-cycles.mjs) run as `npm run lint` runs it: a Node process
 * on a repo root, judged by its exit code and its output. Each fixture is a small repo of its own (root
 * package.json with workspaces, packages with `exports`) written to a temp dir.
 */

const SCRIPT = fileURLToPath(new URL('../check-import-cycles.mjs', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The workspaces every fixture has: two packages (one with a subpath export) and an app. */
const MANIFESTS: Record<string, string> = {
  'package.json': JSON.stringify({ private: true, workspaces: ['packages/*', 'apps/web'] }),
  'packages/core/package.json': JSON.stringify({
    name: '@fx/core',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  }),
  'packages/util/package.json': JSON.stringify({
    name: '@fx/util',
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './format': { types: './dist/format/index.d.ts', default: './dist/format/index.js' },
    },
  }),
  'apps/web/package.json': JSON.stringify({ name: '@fx/web', private: true }),
};

const roots: string[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Writes the manifests and the given source files (path → text) into a fresh temp dir. */
function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kakeibo-cycles-'));
  roots.push(root);
  for (const [path, text] of Object.entries({ ...MANIFESTS, ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Runs the check on a root: its exit code, the cycle lines it printed, and its summary. */
function check(root: string): { status: number | null; cycles: string[]; stdout: string } {
  const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  const cycles = run.stderr
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => line.trim());
  return { status: run.status, cycles, stdout: run.stdout };
}

describe('check-import-cycles', () => {
  it('passes a tree without cycles, whatever its comments, strings and expressions say', () => {
    // b.ts mentions a.ts in every way that is not an import; a real import back would close a cycle.
    const root = writeTree({
      'packages/core/src/index.ts': "export * from './a.js';\nexport type { B } from './b.js';\n",
      'packages/core/src/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'packages/core/src/b.ts': [
        "// import { a } from './a.js';",
        '/*',
        "export * from './a.js';",
        '*/',
        'const text = "import \'./a.js\'";',
        `const template = \`\${text} from './a.js' \${\`import('./a.js')\`}\`;`,
        "const pattern = /import '.\\/a.js'/;",
        'const loader = { import: (path: string) => path };',
        "const loaded = loader.import('./a.js');",
        'const ratio = 1 / 2 / 3;',
        'const here = import.meta.url;',
        "export type B = { from: 'a' };",
        'export const b = [text, template, pattern, ratio, here, loaded];',
      ].join('\n'),
      'packages/util/src/index.ts': "import { a } from '@fx/core';\nexport const u = a;\n",
      // Bundler-style paths, a dynamic import and JSX text with an apostrophe, in the app.
      'apps/web/src/main.tsx': [
        "import './styles.css';",
        "import { u } from '@fx/util';",
        "import { Screen } from './screen';",
        "const later = import('./later.js');",
        "export const App = () => <p>Don't {String(u)} <Screen /></p>;",
        'export { later };',
      ].join('\n'),
      'apps/web/src/screen.tsx': "export const Screen = () => <span>it's fine</span>;\n",
      'apps/web/src/later.ts': "import { u } from '@fx/util';\nexport default u;\n",
    });
    const result = check(root);
    expect(result.cycles).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('No import cycles in 7 TypeScript files.');
  });

  it('reports a two-file cycle with both files and exits 1', () => {
    const root = writeTree({
      'packages/core/src/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'packages/core/src/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    const result = check(root);
    expect(result.status).toBe(1);
    expect(result.cycles).toEqual([
      'packages/core/src/a.ts → packages/core/src/b.ts → packages/core/src/a.ts',
    ]);
  });

  it('reports a three-file cycle through a folder index.ts', () => {
    // The app's bundler-style `./store` is store/index.ts; `../app.js` is app.tsx.
    const root = writeTree({
      'apps/web/src/app.tsx': "import { rows } from './store';\nexport const App = () => <ul>{rows}</ul>;\n",
      'apps/web/src/store/index.ts': "export * from './rows.js';\n",
      'apps/web/src/store/rows.ts': "import { App } from '../app.js';\nexport const rows = [App];\n",
    });
    const result = check(root);
    expect(result.status).toBe(1);
    expect(result.cycles).toEqual([
      'apps/web/src/app.tsx → apps/web/src/store/index.ts → apps/web/src/store/rows.ts → apps/web/src/app.tsx',
    ]);
  });

  it('reports a type-only cycle, marking its type-only links', () => {
    const root = writeTree({
      'packages/core/src/model.ts':
        "import type { View } from './view.js';\nexport type Model = { view?: View };\n",
      'packages/core/src/view.ts':
        "export type { Model } from './model.js';\nexport type View = { name: string };\n",
    });
    const result = check(root);
    expect(result.status).toBe(1);
    expect(result.cycles).toEqual([
      'packages/core/src/model.ts → (type) packages/core/src/view.ts → (type) packages/core/src/model.ts',
    ]);
  });

  it('follows workspace package names and subpath exports to their sources', () => {
    const root = writeTree({
      'packages/core/src/index.ts': "export { price } from './money.js';\n",
      'packages/core/src/money.ts':
        "import { format } from '@fx/util/format';\nexport const price = format;\n",
      'packages/util/src/format/index.ts':
        "import type { price } from '@fx/core';\nexport const format = (p: typeof price) => p;\n",
    });
    const result = check(root);
    expect(result.status).toBe(1);
    expect(result.cycles).toEqual([
      'packages/core/src/index.ts → packages/core/src/money.ts → packages/util/src/format/index.ts → (type) packages/core/src/index.ts',
    ]);
  });

  it('names the other files of a tangle that one cycle does not go through (here by a dynamic import)', () => {
    const root = writeTree({
      'packages/core/src/a.ts': "import './b.js';\n",
      'packages/core/src/b.ts': "import './a.js';\nimport './c.js';\n",
      'packages/core/src/c.ts': "export const load = () => import('./b.js');\n",
      'packages/core/src/entry.ts': "import './a.js';\n",
    });
    const result = check(root);
    expect(result.status).toBe(1);
    expect(result.cycles).toEqual([
      'packages/core/src/a.ts → packages/core/src/b.ts → packages/core/src/a.ts (tangled with it too: packages/core/src/c.ts)',
    ]);
  });

  it('finds no cycle in the real repo', () => {
    const result = check(REPO_ROOT);
    expect(result.cycles).toEqual([]);
    expect(result.status).toBe(0);
  });
});
