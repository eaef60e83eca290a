import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything the suite made that must not outlive it: child processes, temp dirs, PostgreSQL
 * databases. Each resource registers how to undo itself; `cleanupAll` runs them newest first, on a
 * normal end, on an error and on Ctrl-C (run.ts), so a run interrupted anywhere leaves nothing behind.
 */
type Undo = () => void | Promise<void>;

const undos = new Map<number, Undo>();
let next = 0;

/** Registers an undo; the returned function runs it now (once) and forgets it. */
export function registerCleanup(undo: Undo): () => Promise<void> {
  const id = next++;
  undos.set(id, undo);
  return async () => {
    if (!undos.delete(id)) return;
    await undo();
  };
}

export async function cleanupAll(): Promise<void> {
  const pending = [...undos.entries()].reverse();
  undos.clear();
  for (const [, undo] of pending) {
    try {
      await undo();
    } catch (error) {
      console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** A temp dir removed at cleanup (or earlier by the returned remove). */
export function makeTempDir(tag: string): { path: string; remove: () => Promise<void> } {
  const path = mkdtempSync(join(tmpdir(), `kakeibo-chaos-${tag}-`));
  const remove = registerCleanup(() => rmSync(path, { recursive: true, force: true }));
  return { path, remove };
}
