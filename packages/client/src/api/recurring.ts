import {
  CalendarDateSchema,
  type ExpenseCreate,
  type FieldValue,
  type IncomeCreate,
  isKakeiboError,
  KakeiboError,
  occurrenceDates,
  occurrenceRowId,
  type RecurringCreate,
  RecurringCreateSchema,
  type RecurringPatch,
  RecurringPatchSchema,
  recurringProblem,
} from '@kakeibo/core';
import type { CollectionStore, ListQuery, MaterializedRow } from '../store/types.js';
import { verifyEntries } from './account-rules.js';
import { Collection, type WriteContext } from './collection.js';

/** One occurrence of a rule: when, what it writes, and the row it is (or will be) written as. */
export interface Occurrence {
  ruleId: string;
  date: string;
  kind: 'expense' | 'income';
  table: 'expenses' | 'income';
  rowId: string;
  amount: number;
  currency: string;
}

export interface MaterializeResult {
  /** Occurrences written as entries by this call. */
  written: number;
  /** Rules whose due occurrences could not be written (an archived account, say), and why. */
  refused: Array<{ ruleId: string; message: string }>;
}

const DAY_MS = 86_400_000;
/** Occurrences falling due are not the person's change: undo leaves them (delete one to remove it). */
const NOT_UNDOABLE = { undoable: false } as const;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

type Rule = MaterializedRow & {
  kind: 'expense' | 'income';
  amount: number;
  currency: string;
  categoryId: string | null;
  accountId: string | null;
  party: string;
  note: string;
  every: number;
  unit: 'day' | 'week' | 'month' | 'year';
  dayOfMonth: number | null;
  startDate: string;
  endDate: string | null;
  skipped: readonly string[];
};

const refused = (path: string, message: string) =>
  new KakeiboError('validation.failed', `${path}: ${message}`, { issues: [{ path, message }] });

function checkDate(date: string, what: string): string {
  if (!CalendarDateSchema.safeParse(date).success) throw refused(what, 'must be a date YYYY-MM-DD');
  return date;
}

/**
 * Recurring entries: rules, and the ordinary expenses and income they write when due. Each
 * occurrence is written under a row id derived from the rule and its date, with its date as its
 * creation time, so devices that catch up independently (offline) write the same row with the same
 * fields: it syncs as one entry, and as no conflict.
 */
export function recurringApi(
  ctx: WriteContext & { store: CollectionStore },
  entries: {
    expenses: Pick<Collection<ExpenseCreate, never>, 'createWithIds' | 'remove'>;
    income: Pick<Collection<IncomeCreate, never>, 'createWithIds' | 'remove'>;
  },
) {
  const verifyAccounts = verifyEntries(ctx.store);
  const rules = new Collection<RecurringCreate, RecurringPatch>(
    'recurring',
    {
      create: RecurringCreateSchema,
      patch: RecurringPatchSchema,
      verify: async (rows: ReadonlyArray<Readonly<Record<string, FieldValue>>>) => {
        for (const row of rows) {
          const problem = recurringProblem(row as unknown as Parameters<typeof recurringProblem>[0]);
          if (problem) throw refused(problem.path, problem.message);
        }
        await verifyAccounts(rows);
      },
    },
    ctx,
  );
  const today = () => new Date(ctx.now()).toISOString().slice(0, 10);

  const all = async () => (await rules.listAll()) as Rule[];

  const occurrence = (rule: Rule, date: string): Occurrence => ({
    ruleId: rule.id,
    date,
    kind: rule.kind,
    table: rule.kind === 'expense' ? 'expenses' : 'income',
    rowId: occurrenceRowId(rule.id, date),
    amount: rule.amount,
    currency: rule.currency,
  });

  async function ruleOf(id: string): Promise<Rule> {
    const rule = (await rules.get(id)) as Rule | null;
    if (!rule || rule.deleted) throw new KakeiboError('not_found', `No recurring row with id ${id}.`);
    return rule;
  }

  /** Writes every due occurrence of every rule not yet written on this device (or synced to it). */
  async function materialize(query: { through?: string } = {}): Promise<MaterializeResult> {
    const through = checkDate(query.through ?? today(), 'through');
    const result: MaterializeResult = { written: 0, refused: [] };
    for (const rule of await all()) {
      const due: Occurrence[] = [];
      for (const date of occurrenceDates(rule, rule.startDate, through)) {
        const o = occurrence(rule, date);
        // Written before, here or elsewhere; a deleted occurrence stays deleted.
        if (!(await ctx.store.rowState(o.table, o.rowId))) due.push(o);
      }
      if (due.length === 0) continue;
      const base = {
        amount: rule.amount,
        currency: rule.currency,
        categoryId: rule.categoryId,
        accountId: rule.accountId,
        note: rule.note,
      };
      const createdAt = (o: Occurrence) => `${o.date}T00:00:00.000Z`;
      try {
        if (rule.kind === 'expense') {
          await entries.expenses.createWithIds(
            due.map((o) => ({
              id: o.rowId,
              createdAt: createdAt(o),
              input: { ...base, date: o.date, payee: rule.party },
            })),
            NOT_UNDOABLE,
          );
        } else {
          await entries.income.createWithIds(
            due.map((o) => ({
              id: o.rowId,
              createdAt: createdAt(o),
              input: { ...base, date: o.date, source: rule.party },
            })),
            NOT_UNDOABLE,
          );
        }
        result.written += due.length;
      } catch (error) {
        if (!isKakeiboError(error)) throw error;
        result.refused.push({ ruleId: rule.id, message: error.message });
      }
    }
    return result;
  }

  /** A new rule; its occurrences due by today are written at once. */
  async function create(input: RecurringCreate) {
    const rule = await rules.create(input);
    await materialize();
    return rule;
  }

  return {
    create,
    update: (id: string, patch: RecurringPatch) => rules.update(id, patch),
    /** Stops the rule; the entries it wrote stay (delete those one by one if wanted). */
    remove: (id: string) => rules.remove(id),
    get: (id: string) => rules.get(id),
    list: (query: ListQuery = {}) => rules.list(query),
    materialize,

    /** Leaves one occurrence out: not written from now on, and deleted if it was written already. */
    async skip(id: string, date: string) {
      const rule = await ruleOf(id);
      checkDate(date, 'date');
      if (!occurrenceDates(rule, date, date).includes(date)) {
        throw refused('date', `${date} is not an occurrence of this rule`);
      }
      await rules.update(id, { skipped: [...rule.skipped, date].sort() });
      const o = occurrence(rule, date);
      const written = await ctx.store.rowState(o.table, o.rowId);
      if (written && written.deleted?.value !== true) {
        await (o.table === 'expenses' ? entries.expenses : entries.income).remove(o.rowId);
      }
    },

    /**
     * Changes the rule from a date on: the rule ends the day before, and a new rule with the change
     * starts on that date (occurrences before it keep what they were written with). Returns the new rule.
     */
    async changeFrom(
      id: string,
      date: string,
      change: Partial<Omit<RecurringPatch, 'startDate' | 'skipped'>>,
    ) {
      const rule = await ruleOf(id);
      checkDate(date, 'date');
      if (date <= rule.startDate) throw refused('date', `must be after the rule's start (${rule.startDate})`);
      const next = { ...rule, ...change };
      await rules.update(id, { endDate: addDays(date, -1) });
      return create({
        kind: next.kind,
        template: {
          amount: next.amount,
          currency: next.currency,
          categoryId: next.categoryId,
          accountId: next.accountId,
          ...(next.kind === 'expense' ? { payee: next.party } : { source: next.party }),
          note: next.note,
        },
        every: next.every,
        unit: next.unit,
        dayOfMonth: next.dayOfMonth,
        startDate: date,
        endDate: next.endDate,
      });
    },

    /** The occurrences not written yet, from today to `through` (default 60 days ahead), by date. */
    async upcoming(query: { through?: string; ruleId?: string } = {}): Promise<Occurrence[]> {
      const from = today();
      const through = checkDate(query.through ?? addDays(from, 60), 'through');
      const selected = query.ruleId ? [await ruleOf(query.ruleId)] : await all();
      const out: Occurrence[] = [];
      for (const rule of selected) {
        for (const date of occurrenceDates(rule, from, through)) {
          const o = occurrence(rule, date);
          if (!(await ctx.store.rowState(o.table, o.rowId))) out.push(o);
        }
      }
      return out.sort((a, b) =>
        a.date === b.date ? (a.ruleId < b.ruleId ? -1 : 1) : a.date < b.date ? -1 : 1,
      );
    },
  };
}
