/**
 * The repo's import graph: its TypeScript files (every npm workspace's, and the root scripts/ folder's)
 * and, for each, the files it imports, found by resolving each import specifier the way tsc and the
 * bundler do for this repo's layout.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findImports } from './find-imports.mjs';

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist']);

/** The workspace folders named by the root package.json (`dir/*` patterns expanded). */
function workspaceDirectories(root) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const patterns = Array.isArray(manifest.workspaces)
    ? manifest.workspaces
    : (manifest.workspaces?.packages ?? []);
  const directories = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('/*')) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory()) directories.push(join(parent, entry.name));
      }
    } else directories.push(join(root, pattern));
  }
  return directories.filter((directory) => existsSync(join(directory, 'package.json')));
}

/** Every TypeScript source file under a folder, skipping build output, dependencies and dot folders. */
function sourceFiles(directory, found = []) {
  if (!existsSync(directory)) return found;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.')) sourceFiles(path, found);
    } else if (SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension))) {
      if (!entry.name.endsWith('.d.ts')) found.push(path);
    }
  }
  return found;
}

const isFile = (path) => existsSync(path) && statSync(path).isFile();

/**
 * The TypeScript file a relative import or an exports target names, or undefined (not TypeScript, or
 * missing: tsc reports those). `./x.js` may be x.ts or x.tsx, `./x` (bundler style) also x/index.ts.
 */
function resolveSourcePath(base) {
  const withoutExtension = base.replace(/\.(d\.ts|[mc]?jsx?|[mc]?tsx?)$/, '');
  const candidates = [
    ...SOURCE_EXTENSIONS.map((extension) => withoutExtension + extension),
    ...SOURCE_EXTENSIONS.map((extension) => join(withoutExtension, `index${extension}`)),
  ];
  return candidates.find(isFile);
}

/** The first file path of an `exports` entry: a string, or conditions (`types`, `default`, …) nested. */
function exportTarget(entry) {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object') {
    for (const value of Object.values(entry)) {
      const target = exportTarget(value);
      if (target) return target;
    }
  }
  return undefined;
}

/**
 * Each workspace package's importable names (`@kakeibo/core`, `@kakeibo/client/browser`) mapped to the
 * source file behind them: the exports target with its `dist` folder read as `src` (`./dist/index.js`
 * → src/index.ts, `./harness/dist/app-harness.js` → harness/src/app-harness.ts).
 */
function workspaceEntryPoints(directories) {
  const entryPoints = new Map();
  for (const directory of directories) {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    if (typeof manifest.name !== 'string') continue;
    let exportsMap = manifest.exports ?? manifest.main ?? './src/index.ts';
    if (typeof exportsMap === 'string' || !Object.keys(exportsMap).every((key) => key.startsWith('.'))) {
      exportsMap = { '.': exportsMap };
    }
    for (const [subpath, entry] of Object.entries(exportsMap)) {
      const target = exportTarget(entry);
      if (!target) continue;
      const source = resolveSourcePath(join(directory, target.replace(/(^|\/)dist(\/|$)/, '$1src$2')));
      if (source) entryPoints.set(subpath === '.' ? manifest.name : manifest.name + subpath.slice(1), source);
    }
  }
  return entryPoints;
}

/**
 * The import graph of the repo at `root`: every TypeScript file, each with the files it imports and,
 * for each of those, whether every import of it there is type-only.
 * @returns {Map<string, Map<string, boolean>>} file → (imported file → type-only)
 */
export function importGraph(root) {
  const directories = workspaceDirectories(root);
  const files = [...directories, join(root, 'scripts')].flatMap((directory) => sourceFiles(directory));
  const entryPoints = workspaceEntryPoints(directories);
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const links = new Map();
    for (const { specifier, typeOnly } of findImports(readFileSync(file, 'utf8'))) {
      const target = specifier.startsWith('.')
        ? resolveSourcePath(resolve(dirname(file), specifier))
        : entryPoints.get(specifier);
      if (!target || !known.has(target)) continue;
      links.set(target, (links.get(target) ?? true) && typeOnly);
    }
    graph.set(file, links);
  }
  return graph;
}
