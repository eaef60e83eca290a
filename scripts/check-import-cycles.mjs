#!/usr/bin/env node
/**
 * Fails (exit 1) when any TypeScript module of the repo imports itself back, directly or through other
 * modules, and prints each such tangle as one line of the files around it. `npm run lint` runs it.
 *
 * Why: a cycle means no module in it can be read, tested or loaded without all the others. It hides a
 * missing module (the piece both sides need), and at run time it drags whole subsystems into a process
 * that needs one function (a bench device process once loaded the bench's server harness that way).
 * Neither tsc nor Biome reports cycles, so this does.
 *
 * What it reads: every .ts/.tsx file of each npm workspace (sources, tests, harnesses; not dist/ or
 * node_modules/) and of the root scripts/ folder. What counts as an import: `import … from`, side-effect
 * `import '…'`, `export … from`, and `import('…')` with a literal path. `import type` and `export type`
 * count too: a type-only cycle erases at run time but still tangles the design (neither module can be
 * understood or moved without the other), so it is reported like any other, marked "(type)" on its
 * type-only links. How imports resolve: relative paths to the TypeScript file behind them (`./x.js` →
 * x.ts, x.tsx or x/index.ts); a workspace package's name (`@kakeibo/core`, `@kakeibo/client/browser`)
 * through its package.json `exports` to the source of the file named there (`dist/…js` → `src/…ts`).
 * Anything else (node: builtins, npm packages, CSS) is outside the graph.
 *
 * Plain Node on purpose: it lexes the few forms above itself (import-cycles/find-imports.mjs) rather
 * than loading the TypeScript compiler, which alone takes longer than this whole check. The graph is
 * built in import-cycles/import-graph.mjs and its tangles found (Tarjan) in import-cycles/tangles.mjs.
 *
 * Usage: node scripts/check-import-cycles.mjs [repo root, default: this script's repo]
 */
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph } from './import-cycles/import-graph.mjs';
import { shortestCycle, tangledComponents } from './import-cycles/tangles.mjs';

const root = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
const graph = importGraph(root);
const show = (file) => relative(root, file).split(sep).join('/');

// One line per tangle: a cycle through its files (a link marked "(type)" when every import along it
// is type-only), then any other files in the same tangle.
const lines = tangledComponents(graph).map((component) => {
  const cycle = shortestCycle(graph, component);
  let line = show(cycle[0]);
  for (let k = 1; k < cycle.length; k++) {
    line += graph.get(cycle[k - 1]).get(cycle[k]) ? ' → (type) ' : ' → ';
    line += show(cycle[k]);
  }
  const others = component.filter((file) => !cycle.includes(file));
  if (others.length > 0) line += ` (tangled with it too: ${others.map(show).join(', ')})`;
  return line;
});

if (lines.length === 0) {
  console.log(`No import cycles in ${graph.size} TypeScript files.`);
} else {
  console.error(`${lines.length} import cycle${lines.length === 1 ? '' : 's'} (break each one up):`);
  for (const line of lines) console.error(`  ${line}`);
  process.exitCode = 1;
}
