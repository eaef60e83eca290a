/**
 * What a long backup or restore tells whoever runs it: the CLI draws a line on a terminal and
 * prints plain lines otherwise (packages/cli); library callers and tests pass nothing.
 */
export interface Progress {
  /** A new phase begins ("accounts", "ledgers", "fetching pieces", …), with how many items it has when known. */
  phase(name: string, total?: number): void;
  /** `done` items of the phase so far, and bytes moved so far. */
  advance(done: number, bytes: number): void;
}

export const SILENT: Progress = { phase: () => undefined, advance: () => undefined };
