import type { Readable } from 'node:stream';

/**
 * Where backups are kept: a local folder, S3-compatible storage or WebDAV, each in its own folder
 * with the same two files (`config.ts`: what its URL and options mean, checked with zod;
 * `destination.ts`: this interface over it). Names are relative paths such as `pieces/x.kbp`; what
 * the backup format means by them is the backup's business, not the destination's.
 */
export interface Destination {
  /** Where it is, for messages: never credentials. */
  readonly location: string;
  /**
   * Stores `file` (a local file of `bytes` bytes whose SHA-256 is `sha256`, hex) under `name`,
   * atomically: the name shows nothing, or the whole of it, never a part (a killed upload leaves at
   * most a temporary name that `list` does not report).
   */
  put(name: string, file: string, bytes: number, sha256: string): Promise<void>;
  /** The stored bytes, or null when nothing is stored under `name`. */
  get(name: string): Promise<Readable | null>;
  /** Every complete object whose name starts with `prefix` (a folder such as `manifests/`), in name order. */
  list(prefix: string): Promise<Array<{ name: string; bytes: number }>>;
  delete(name: string): Promise<void>;
}

/** Temporary names of uploads in progress carry this, and are never listed. */
export const PARTIAL_MARK = '.partial-';

export const sortByName = <T extends { name: string }>(items: T[]): T[] =>
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
