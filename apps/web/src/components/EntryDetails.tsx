import type { AccountRow } from '../app/accounts.js';

/** How an expense was paid: the schema's values, as the sheet words them. */
export const PAYMENT_METHODS = [
  { value: 'cash', label: 'Cash' },
  { value: 'card', label: 'Card' },
  { value: 'bank_transfer', label: 'Bank transfer' },
  { value: 'direct_debit', label: 'Direct debit' },
  { value: 'mobile', label: 'Mobile payment' },
  { value: 'other', label: 'Other' },
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number]['value'];

const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 40;

/** Tags as typed ("food, Trip to Kyoto"): trimmed, empty ones dropped, each once; or what to fix. */
export function readTags(text: string): { tags: string[] } | { error: string } {
  const tags = [...new Set(text.split(',').map((t) => t.trim()))].filter(Boolean);
  if (tags.length > MAX_TAGS) return { error: `Tags: use at most ${MAX_TAGS} tags.` };
  const long = tags.find((t) => t.length > MAX_TAG_LENGTH);
  if (long)
    return {
      error: `Tags: “${long.slice(0, 20)}…” is too long; keep each tag to ${MAX_TAG_LENGTH} characters.`,
    };
  return { tags };
}

export const tagsText = (tags: unknown) => (Array.isArray(tags) ? tags.join(', ') : '');

/**
 * The account an entry is recorded in: choosing one sets the entry's currency to the account's (a
 * balance is one exact sum in one currency). Archived accounts take no new entries; the entry's
 * own, when archived, is still listed so the sheet shows it.
 */
export function AccountField({
  accounts,
  value,
  onChange,
}: {
  accounts: readonly AccountRow[];
  value: string;
  onChange: (account: AccountRow | null) => void;
}) {
  const shown = accounts.filter((a) => !a.archived || a.id === value);
  return (
    <label className="field grow">
      <span>Account</span>
      <select value={value} onChange={(e) => onChange(accounts.find((a) => a.id === e.target.value) ?? null)}>
        <option value="">No account</option>
        {shown.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name} ({a.currency}){a.archived ? ', archived' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** An expense's tags (comma-separated) and payment method. */
export function ExpenseDetails({
  tags,
  paymentMethod,
  onTags,
  onPaymentMethod,
}: {
  tags: string;
  paymentMethod: string;
  onTags: (tags: string) => void;
  onPaymentMethod: (method: string) => void;
}) {
  return (
    <div className="row-2">
      <label className="field grow">
        <span>Tags</span>
        <input
          name="tags"
          autoComplete="off"
          placeholder="Separate tags with commas"
          value={tags}
          onChange={(e) => onTags(e.target.value)}
        />
      </label>
      <label className="field grow">
        <span>Payment method</span>
        <select value={paymentMethod} onChange={(e) => onPaymentMethod(e.target.value)}>
          <option value="">Not said</option>
          {PAYMENT_METHODS.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
