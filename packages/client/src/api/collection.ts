import {
  BASE_SYNCED_FIELDS,
  buildOp,
  checkBuiltOp,
  type FieldValue,
  type HybridClock,
  KakeiboError,
  mergeOp,
  type Op,
  parseOp,
  StoredRowIdSchema,
  type TableName,
  uuidv7,
} from '@kakeibo/core';
import { z } from 'zod';
import { presentRow } from '../store/present.js';
import type { CollectionStore, ListQuery, MaterializedRow, Page } from '../store/types.js';
import { prefetchedPage, type QueryCache } from './query-cache.js';

export interface CollectionSchemas<C, P> {
  create: z.ZodType<Record<string, FieldValue>, C>;
  patch: z.ZodType<Partial<Record<string, FieldValue>>, P>;
  /**
   * What must hold across rows (an entry's account exists and shares its currency): given every row
   * of one write as it will be (a change merged into the row's current values), throws a
   * `validation.failed` KakeiboError to refuse the whole write before anything is stored. An
   * update also gives the fields it changes (`changed`), so a rule can leave alone what the edit
   * does not touch (a note fixed on an entry of an archived account).
   */
  verify?: (
    rows: ReadonlyArray<Readonly<Record<string, FieldValue>>>,
    changed?: ReadonlySet<string>,
  ) => Promise<void>;
}

export interface WriteContext {
  store: CollectionStore;
  cache: QueryCache;
  clock: HybridClock;
  now: () => number;
  /**
   * Stores local ops (rows, outbox and the device clock in one transaction), then emits the change,
   * counts what waits and schedules a sync: a write resolves with `status().pendingOps` counting it.
   */
  apply(table: TableName, ops: readonly Op[], options?: WriteOptions): Promise<void>;
}

export interface WriteOptions {
  /** False for writes the person did not make (recurring occurrences falling due): not an undo step. */
  undoable?: boolean;
}

/** The id and creation time a caller of createWithIds chose, in the forms rows store. */
const CreatedRowSchema = z.strictObject({ id: StoredRowIdSchema, createdAt: BASE_SYNCED_FIELDS.createdAt });

function check<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new KakeiboError('validation.failed', `Invalid ${what}: ${path}${issue?.message ?? 'invalid'}`, {
    issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}

/**
 * create / createMany / update / remove / get / list for one synced table. Every write validates with
 * the core schemas, becomes an op stamped by the device's clock, and is stored with its outbox entry
 * in one local transaction: it works offline and is visible at once.
 */
export class Collection<Create, Patch, Row extends MaterializedRow = MaterializedRow> {
  constructor(
    private readonly table: TableName,
    private readonly schemas: CollectionSchemas<Create, Patch>,
    private readonly ctx: WriteContext,
  ) {}

  async create(input: Create): Promise<Row> {
    const [row] = await this.createMany([input]);
    return row as Row;
  }

  /** Many rows in ONE local transaction (imports, bulk entry): all stored or none. */
  createMany(inputs: readonly Create[]): Promise<Row[]> {
    const createdAt = new Date(this.ctx.now()).toISOString();
    return this.createWithIds(inputs.map((input) => ({ id: uuidv7(), input, createdAt })));
  }

  /**
   * Rows under ids and creation times the caller chose, in one transaction: what makes a row that
   * two devices write independently one row with equal fields (a recurring entry's occurrence).
   */
  async createWithIds(
    rows: ReadonlyArray<{ id: string; input: Create; createdAt: string }>,
    options: WriteOptions = {},
  ): Promise<Row[]> {
    const checked = rows.map(({ id, input, createdAt }, i) => {
      const what = `${this.table} #${i + 1}`;
      check(CreatedRowSchema, { id, createdAt }, what);
      return check(this.schemas.create, input, what);
    });
    await this.schemas.verify?.(checked);
    const ops: Op[] = checked.map((fields, i) => {
      const { id, createdAt } = rows[i] as { id: string; createdAt: string };
      // The fields are the create schema's output: checked once, not again field by field.
      return checkBuiltOp(
        buildOp(this.ctx.clock, this.table, id, { ...fields, createdAt, deleted: false }, undefined),
      );
    });
    await this.ctx.apply(this.table, ops, options);
    // Fresh ids: each stored row is its op merged into nothing, so it needs no read back (a bulk
    // import of thousands of rows would otherwise cost a store round trip per row).
    return ops.map((op) => presentRow(this.table, op.rowId, mergeOp(undefined, op).row) as Row);
  }

  async update(id: string, patch: Patch): Promise<Row> {
    const fields = check(this.schemas.patch, patch, `${this.table} change`);
    const changed = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<
      string,
      FieldValue
    >;
    await this.write(id, changed);
    return (await this.get(id)) as Row;
  }

  /** Deletes by tombstone: the row disappears everywhere once synced, and a conflicting edit cannot revive it. */
  async remove(id: string): Promise<void> {
    await this.write(id, { deleted: true });
  }

  get(id: string): Promise<Row | null> {
    return this.ctx.store.get(this.table, id) as Promise<Row | null>;
  }

  /**
   * A page, newest first. Pages come from an in-memory cache dropped on any change to the table, and
   * the next page is fetched ahead in the background, so scrolling on finds it ready.
   */
  list(query: ListQuery = {}): Promise<Page<Row>> {
    return prefetchedPage(
      this.ctx.cache,
      this.table,
      query,
      (q) => this.ctx.store.list(this.table, q) as Promise<Page<Row>>,
    );
  }

  /** Every live row, page by page (the few rows of a small table: accounts, rules, rates, budgets). */
  async listAll(): Promise<Row[]> {
    const rows: Row[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ limit: 500, ...(cursor && { cursor }) });
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return rows;
  }

  private async write(id: string, fields: Record<string, FieldValue>) {
    const current = await this.ctx.store.rowState(this.table, id);
    if (!current || current.deleted?.value === true) {
      throw new KakeiboError('not_found', `No ${this.table} row with id ${id}.`);
    }
    if (this.schemas.verify && fields.deleted === undefined) {
      const values: Record<string, FieldValue> = {};
      for (const field in current) values[field] = current[field]?.value as FieldValue;
      await this.schemas.verify([{ ...values, ...fields }], new Set(Object.keys(fields)));
    }
    const op = parseOp(buildOp(this.ctx.clock, this.table, id, fields, current));
    await this.ctx.apply(this.table, [op]);
  }
}
