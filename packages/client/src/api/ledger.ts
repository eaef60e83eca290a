import {
  BudgetCreateSchema,
  BudgetPatchSchema,
  CategoryCreateSchema,
  CategoryPatchSchema,
  ExchangeRateCreateSchema,
  ExchangeRatePatchSchema,
  ExpenseCreateSchema,
  ExpensePatchSchema,
  IncomeCreateSchema,
  IncomePatchSchema,
  InventoryItemCreateSchema,
  InventoryItemPatchSchema,
  ReceiptCreateSchema,
  ReceiptPatchSchema,
  TransferCreateSchema,
  TransferPatchSchema,
} from '@kakeibo/core';
import type { FacadeStore } from '../store/types.js';
import { verifyEntries, verifyTransfers } from './account-rules.js';
import { accountsApi } from './accounts.js';
import { budgetProgress } from './budget-progress.js';
import { Collection, type WriteContext } from './collection.js';
import { convertedTotals, rateTable } from './converted.js';
import { profileApi } from './profile.js';
import { recurringApi } from './recurring.js';
import { allOf, verifySplits } from './split-rules.js';
import { listTransactions, type MonthRange, monthlyTotals, type TransactionQuery } from './transactions.js';

/**
 * The ledger as the API shows it: a collection per synced table, budgets with their progress,
 * transactions across expenses and income, reports, conflicts and refused changes. Reads come from
 * the local store; writes go through `ctx.apply` (see compose.ts).
 */
export function ledgerApi(ctx: WriteContext & { store: FacadeStore }) {
  const { store, cache } = ctx;
  const budgets = new Collection('budgets', { create: BudgetCreateSchema, patch: BudgetPatchSchema }, ctx);
  const expenses = new Collection(
    'expenses',
    {
      create: ExpenseCreateSchema,
      patch: ExpensePatchSchema,
      verify: allOf(verifyEntries(store), verifySplits),
    },
    ctx,
  );
  const income = new Collection(
    'income',
    { create: IncomeCreateSchema, patch: IncomePatchSchema, verify: verifyEntries(store) },
    ctx,
  );
  const rates = new Collection(
    'rates',
    { create: ExchangeRateCreateSchema, patch: ExchangeRatePatchSchema },
    ctx,
  );
  const profile = profileApi(ctx);
  return {
    profile,
    /** Exchange rates the person entered (one unit of `currency` in `toCurrency`, from `date` on). */
    rates,
    categories: new Collection(
      'categories',
      { create: CategoryCreateSchema, patch: CategoryPatchSchema },
      ctx,
    ),
    expenses,
    income,
    /** Rules that write expenses and income when due (see recurring.ts). */
    recurring: recurringApi(ctx, { expenses, income }),
    accounts: accountsApi(ctx),
    /** Money moved between two of the person's accounts: never spending or income. */
    transfers: new Collection(
      'transfers',
      { create: TransferCreateSchema, patch: TransferPatchSchema, verify: verifyTransfers(store) },
      ctx,
    ),
    inventory: new Collection(
      'inventory',
      { create: InventoryItemCreateSchema, patch: InventoryItemPatchSchema },
      ctx,
    ),
    receipts: new Collection('receipts', { create: ReceiptCreateSchema, patch: ReceiptPatchSchema }, ctx),
    budgets: Object.assign(budgets, {
      /**
       * Spent vs limit per budget for a month (default: this month), in minor units of the budget's
       * currency; spending in other currencies converted with the entered rates, or listed in `leftOut`.
       */
      progress: async (query: { month?: string } = {}) =>
        budgetProgress(ctx.store, await budgets.listAll(), {
          ...query,
          today: new Date(ctx.now()).toISOString().slice(0, 10),
          rates: rateTable(await rates.listAll()),
        }),
    }),
    transactions: {
      /** Expenses and income together, newest first; each row with `kind: 'expense' | 'income'`. */
      list: (query: TransactionQuery = {}) => listTransactions(ctx.store, cache, query),
    },
    reports: {
      spendingByCategory: ({ from, to }: { from: string; to: string }) =>
        ctx.store.spendingByCategory(from, to),
      /** Expenses and income per month (`YYYY-MM`, inclusive) and currency, sorted by month then currency. */
      monthlyTotals: (range: MonthRange) => monthlyTotals(ctx.store, cache, range),
      /**
       * Expenses and income from `from` to `to` in one home currency (default: the profile's), each day's amounts converted
       * at the latest rate on or before that day; amounts without a rate are listed in `leftOut`.
       */
      converted: async (query: { from: string; to: string; homeCurrency?: string }) =>
        convertedTotals(ctx.store, await rates.listAll(), {
          ...query,
          homeCurrency: query.homeCurrency ?? (await profile.homeCurrency()),
        }),
    },
    conflicts: {
      list: (options: { includeDismissed?: boolean } = {}) => store.conflicts(options.includeDismissed),
      dismiss: (id: string) => store.dismissConflict(id),
    },
    rejected: {
      list: () => store.rejectedOps(),
      dismiss: (opId: string) => store.dismissRejected(opId),
    },
  };
}
