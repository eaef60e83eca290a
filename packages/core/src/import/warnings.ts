import type { ImportWarning } from './preview.js';

/** The warnings of one read, in the order they arose, each about a line of the file when it can say. */
export class Warnings {
  readonly list: ImportWarning[] = [];

  add(line: number | null, code: string, message: string): void {
    this.list.push({ line, code, message });
  }
}
