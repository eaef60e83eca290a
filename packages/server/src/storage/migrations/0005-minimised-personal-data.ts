import type { Kysely, Migration, Transaction } from 'kysely';
import { emailPlace } from '../account-keys.js';
import { type StorageContext, sealerFor } from '../context.js';
import { sealDeviceText } from '../device-text.js';
import { truncateIp } from '../ip-truncation.js';
import type { Database } from '../schema.js';

/** Rows rewritten per statement batch, so an instance with many accounts never loads them all at once. */
const PAGE = 500;

/**
 * What a dump of the database says about people, cut to what the server needs: accounts are looked
 * up by a keyed hash of the address (users.email_index) and the address is sealed; device names and
 * platforms are sealed with their ledger's key; audit events keep the client's network, not its
 * address, and get an index by time so they can be pruned. Rows written before are converted here,
 * in the same transaction as the schema change: the migration is applied whole or not at all.
 */
export function minimisedPersonalData(ctx: StorageContext): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await inOneTransaction(db as Kysely<Database>, async (trx) => {
        const inTrx: StorageContext = { ...ctx, db: trx };
        await trx.schema.alterTable('users').addColumn('email_index', 'text').execute();
        await convertUsers(inTrx);
        await trx.schema
          .createIndex('users_email_index_unique')
          .unique()
          .on('users')
          .column('email_index')
          .execute();
        // Sealed addresses differ each time they are sealed: uniqueness is the lookup key's job now.
        // (SQLite cannot drop a table constraint; its addresses stay unsealed inside the encrypted file.)
        if (ctx.keys) await trx.schema.alterTable('users').dropConstraint('users_email_unique').execute();
        if (ctx.keys) await convertDevices(inTrx);
        await convertAuditAddresses(inTrx);
        await trx.schema.createIndex('audit_events_by_time').on('audit_events').column('at').execute();
      });
    },
  };
}

/**
 * PostgreSQL runs every migration in a transaction already (transactional DDL); on SQLite Kysely
 * does not, so the migration opens its own.
 */
function inOneTransaction(
  db: Kysely<Database>,
  body: (trx: Kysely<Database>) => Promise<void>,
): Promise<void> {
  return db.isTransaction ? body(db) : db.transaction().execute((trx: Transaction<Database>) => body(trx));
}

async function convertUsers(ctx: StorageContext): Promise<void> {
  for (let after = ''; ; ) {
    const users = await ctx.db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const user of users) {
      await ctx.db
        .updateTable('users')
        .set({
          email_index: ctx.accounts.emailIndex(user.email),
          email: ctx.accounts.emails.seal(emailPlace(user.id), user.email),
        })
        .where('id', '=', user.id)
        .execute();
    }
    if (users.length < PAGE) return;
    after = (users.at(-1) as { id: string }).id;
  }
}

async function convertDevices(ctx: StorageContext): Promise<void> {
  for (let after = { ledgerId: '', id: '' }; ; ) {
    const devices = await ctx.db
      .selectFrom('devices')
      .select(['ledger_id', 'id', 'name', 'platform'])
      .where(({ eb, or, and }) =>
        or([
          eb('ledger_id', '>', after.ledgerId),
          and([eb('ledger_id', '=', after.ledgerId), eb('id', '>', after.id)]),
        ]),
      )
      .orderBy('ledger_id')
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const device of devices) {
      const sealer = await sealerFor(ctx, device.ledger_id);
      await ctx.db
        .updateTable('devices')
        .set(sealDeviceText(sealer, { ...device, ledgerId: device.ledger_id }))
        .where('ledger_id', '=', device.ledger_id)
        .where('id', '=', device.id)
        .execute();
    }
    const last = devices.at(-1);
    if (!last) return;
    after = { ledgerId: last.ledger_id, id: last.id };
  }
}

async function convertAuditAddresses(ctx: StorageContext): Promise<void> {
  const addresses = await ctx.db
    .selectFrom('audit_events')
    .select('ip')
    .distinct()
    .where('ip', 'is not', null)
    .execute();
  for (const { ip } of addresses) {
    const kept = truncateIp(ip);
    if (kept === ip) continue;
    await ctx.db.updateTable('audit_events').set({ ip: kept }).where('ip', '=', ip).execute();
  }
}
