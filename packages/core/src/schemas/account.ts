import { z } from 'zod';
import { CalendarDateSchema, CurrencyCodeSchema, MinorUnitsSchema, name, text } from './primitives.js';
import { BaseRowSchema, patchOf } from './row.js';

export const ACCOUNT_KINDS = ['cash', 'checking', 'savings', 'credit', 'other'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/**
 * Where money is kept: a wallet, a bank account, a card. Its balance is the opening balance on the
 * opening date plus what was recorded against it since (see the client's balances). An account is
 * archived, never deleted, so the entries that name it keep their history.
 */
export const AccountFieldsSchema = z.strictObject({
  name: name(100),
  kind: z.enum(ACCOUNT_KINDS, { error: `must be one of: ${ACCOUNT_KINDS.join(', ')}` }),
  currency: CurrencyCodeSchema,
  /** What the account held at the start of the opening date; negative for a card's debt. */
  openingBalance: MinorUnitsSchema,
  openingDate: CalendarDateSchema,
  institution: text(200).nullable(),
  /** The bank's own number for the account (an IBAN, the id in a bank file): how imports find it. */
  externalId: text(200).nullable(),
  archived: z.boolean(),
});

const shape = AccountFieldsSchema.shape;

export const AccountCreateSchema = AccountFieldsSchema.extend({
  institution: shape.institution.default(null),
  externalId: shape.externalId.default(null),
  archived: shape.archived.default(false),
});

export const AccountPatchSchema = patchOf(AccountFieldsSchema);

export const AccountSchema = BaseRowSchema.extend(AccountFieldsSchema.shape);

export type AccountFields = z.infer<typeof AccountFieldsSchema>;
export type AccountCreate = z.input<typeof AccountCreateSchema>;
export type AccountPatch = z.infer<typeof AccountPatchSchema>;
export type Account = z.infer<typeof AccountSchema>;

/** What a person named the account and the bank's number for it; encrypted at rest on the server. */
export const ACCOUNT_SENSITIVE_FIELDS: readonly (keyof AccountFields)[] = Object.freeze([
  'name',
  'institution',
  'externalId',
]);
