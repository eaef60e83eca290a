import { CHECKSUM_VERSION, KakeiboError } from '@kakeibo/core';
import type { Transaction } from 'kysely';
import { emailPlace } from './account-keys.js';
import type { StorageContext } from './context.js';
import { upsertDevice } from './devices.js';
import { toUser } from './records.js';
import { insertRefreshToken } from './refresh-tokens.js';
import { type Database, LEDGER_TABLES } from './schema.js';
import type { NewAccount, UserRecord } from './types.js';

/**
 * Accounts: a user and their one ledger, created and deleted together. The e-mail address is found
 * by its keyed hash (`email_index`) and kept sealed (`email`), see account-keys.ts.
 */

const normalise = (email: string) => email.trim().toLowerCase();

export function createUser(
  ctx: StorageContext,
  user: { id: string; email: string; passwordHash: string; ledgerId: string },
): Promise<UserRecord> {
  return inserted(ctx, user, async () => {});
}

export function createAccount(ctx: StorageContext, account: NewAccount): Promise<UserRecord> {
  return inserted(ctx, account.user, async (trx) => {
    // The device and its first refresh token, through the same statements their own areas run,
    // bound to this transaction.
    const inTransaction: StorageContext = { ...ctx, db: trx };
    await upsertDevice(inTransaction, account.device);
    await insertRefreshToken(inTransaction, account.refreshToken);
  });
}

/**
 * Inserts the user and their ledger, then `more`, in one transaction. The ledger's data key (where
 * columns are sealed) is kept only once the transaction committed.
 */
async function inserted(
  ctx: StorageContext,
  user: { id: string; email: string; passwordHash: string; ledgerId: string },
  more: (trx: Transaction<Database>) => Promise<void>,
): Promise<UserRecord> {
  const record: UserRecord = {
    id: user.id,
    email: normalise(user.email),
    passwordHash: user.passwordHash,
    ledgerId: user.ledgerId,
    createdAt: ctx.now(),
    disabledAt: null,
  };
  const key = ctx.keys?.newWrappedKey(record.ledgerId);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('users')
        .values({
          id: record.id,
          email_index: ctx.accounts.emailIndex(record.email),
          email: ctx.accounts.emails.seal(emailPlace(record.id), record.email),
          password_hash: record.passwordHash,
          ledger_id: record.ledgerId,
          created_at: record.createdAt,
          disabled_at: null,
        })
        .execute();
      await trx
        .insertInto('ledgers')
        .values({
          id: record.ledgerId,
          user_id: record.id,
          head: 0,
          wrapped_key: key?.wrapped ?? null,
          created_at: record.createdAt,
          // A new ledger has no rows: its (empty) buckets follow the current definition.
          checksum_version: CHECKSUM_VERSION,
        })
        .execute();
      await more(trx);
    });
  } catch (error) {
    if (isEmailTaken(ctx, error)) {
      throw new KakeiboError('auth.email_taken', 'An account with this email address already exists.');
    }
    throw error;
  }
  key?.keep();
  return record;
}

/**
 * The address is unique by its lookup key. SQLite's file also keeps the first schema's constraint on
 * the (there unsealed) address itself; either one refusing the row means the address is taken.
 */
function isEmailTaken(ctx: StorageContext, error: unknown): boolean {
  return (
    ctx.traits.isUniqueViolation(error, {
      name: 'users_email_index_unique',
      table: 'users',
      column: 'email_index',
    }) || ctx.traits.isUniqueViolation(error, { name: 'users_email_unique', table: 'users', column: 'email' })
  );
}

export async function findUserByEmail(ctx: StorageContext, email: string): Promise<UserRecord | null> {
  const row = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where('email_index', '=', ctx.accounts.emailIndex(normalise(email)))
    .executeTakeFirst();
  return row ? toUser(ctx, row) : null;
}

export async function findUserById(ctx: StorageContext, id: string): Promise<UserRecord | null> {
  const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toUser(ctx, row) : null;
}

export async function listUsers(ctx: StorageContext): Promise<UserRecord[]> {
  const rows = await ctx.db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map((row) => toUser(ctx, row));
}

export async function updatePasswordHash(
  ctx: StorageContext,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await ctx.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

export async function setUserDisabled(ctx: StorageContext, userId: string, disabled: boolean): Promise<void> {
  await ctx.db
    .updateTable('users')
    .set({ disabled_at: disabled ? ctx.now() : null })
    .where('id', '=', userId)
    // Disabling twice keeps the first time it happened.
    .$if(disabled, (q) => q.where('disabled_at', 'is', null))
    .execute();
}

/** Every row of every ledger-keyed table, the ledger and the user, in one transaction. */
export async function deleteUser(ctx: StorageContext, userId: string): Promise<void> {
  const user = await findUserById(ctx, userId);
  if (!user) return;
  const ledgerId = user.ledgerId;
  await ctx.db.transaction().execute(async (trx) => {
    for (const table of LEDGER_TABLES)
      await trx.deleteFrom(table).where('ledger_id', '=', ledgerId).execute();
    // Events recorded without a ledger (failed sign-ins) may still name the user.
    await trx.deleteFrom('audit_events').where('user_id', '=', userId).execute();
    await trx.deleteFrom('refresh_tokens').where('user_id', '=', userId).execute();
    await trx.deleteFrom('ledgers').where('id', '=', ledgerId).execute();
    await trx.deleteFrom('users').where('id', '=', userId).execute();
  });
  ctx.keys?.forget(ledgerId);
}
