import { type RowState, unpackRow } from '@kakeibo/core';
import type { SqlValue } from './driver.js';
import { unreadable } from './sealer.js';
import type { FieldSealer } from './types.js';

/**
 * The place of each sealed value, bound into it as associated data: a value copied to another row,
 * key or table (or a row's fields into the outbox) fails to open. Prefixed by the SQL table, so the
 * places of two tables never coincide.
 */
export const place = {
  row: (table: string, rowId: string) => `rows/${table}/${rowId}`,
  meta: (key: string) => `meta/${key}`,
  outbox: (opId: string) => `outbox/${opId}`,
  rejectedOp: (opId: string) => `rejected_ops/${opId}/op`,
  rejectedMessage: (opId: string) => `rejected_ops/${opId}/message`,
  conflict: (id: string) => `conflicts/${id}`,
};

/**
 * How the store keeps user data at rest. With a sealer (browsers: the SQLite WASM file is not
 * encrypted), every value holding user data or secrets is sealed before it reaches SQLite: a row's
 * fields, outbox and rejected ops, conflict values, every meta value; the columns the indexes and
 * reports need (table, row id, deleted, date, category id, amount, currency) stay clear. Without one
 * (Node: the whole file is encrypted) values are stored as they are, and nothing here costs a promise
 * per value.
 */
export class Sealing {
  constructor(readonly sealer: FieldSealer | undefined) {}

  get sealed(): boolean {
    return this.sealer !== undefined;
  }

  seal(text: string, at: string): Promise<string | Uint8Array> {
    return this.sealer ? this.sealer.seal(text, at) : Promise.resolve(text);
  }

  open(value: SqlValue, at: string): Promise<string> {
    return this.sealer ? openSealed(this.sealer, value, at) : Promise.resolve(value as string);
  }

  /** Stored forms of texts, sealed all at once (WebCrypto works on them in parallel). */
  async sealEach<T>(
    items: readonly T[],
    text: (item: T) => string,
    at: (item: T) => string,
  ): Promise<Array<string | Uint8Array>> {
    const sealer = this.sealer;
    if (!sealer) return items.map(text);
    return Promise.all(items.map((item) => sealer.seal(text(item), at(item))));
  }

  /** The texts of stored values, opened all at once when sealed. */
  async openEach<T>(
    items: readonly T[],
    stored: (item: T) => SqlValue,
    at: (item: T) => string,
  ): Promise<string[]> {
    const sealer = this.sealer;
    if (!sealer) return items.map((item) => stored(item) as string);
    return Promise.all(items.map((item) => openSealed(sealer, stored(item), at(item))));
  }

  /** Stored rows' states, opened all at once when sealed. */
  async unpackEach<R extends { row_id: string; fields: SqlValue }>(
    rows: readonly R[],
    tableOf: (row: R) => string,
  ): Promise<RowState[]> {
    const texts = await this.openEach(
      rows,
      (r) => r.fields,
      (r) => place.row(tableOf(r), r.row_id),
    );
    return texts.map((text) => unpackRow(text));
  }
}

/** A value read from a sealed store must be bytes: text there would be a value that escaped sealing. */
function openSealed(sealer: FieldSealer, value: SqlValue, at: string): Promise<string> {
  if (!(value instanceof Uint8Array)) return Promise.reject(unreadable(at));
  return sealer.open(value, at);
}
