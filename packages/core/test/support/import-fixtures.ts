import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared bank-file fixtures, read where they are (../shared beside the repository's root), never
 * copied into the repository.
 */
export const FIXTURES = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../../../../shared/fixtures/import',
);

export const fixtureBytes = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

/** Every fixture file, as "folder/file". */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(FIXTURES, d.name)).map((f) => `${d.name}/${f}`))
    .sort();
}
