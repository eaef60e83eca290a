import { CurrencyChoice } from './CurrencyChoice.js';

/**
 * An amount typed as the person writes it and its currency, side by side: every form that takes
 * money (entries, budgets, belongings) asks for it the same way. Place it inside a `.row-2`.
 */
export function MoneyFields({
  label,
  amount,
  currency,
  onAmount,
  onCurrency,
  required = false,
  autoFocus = false,
  invalid = false,
}: {
  label: string;
  amount: string;
  currency: string;
  onAmount(value: string): void;
  onCurrency(value: string): void;
  required?: boolean;
  autoFocus?: boolean;
  invalid?: boolean;
}) {
  return (
    <>
      <label className="field grow">
        <span>{label}</span>
        <input
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          required={required}
          // biome-ignore lint/a11y/noAutofocus: only the entry sheet asks for it, a modal dialog whose first field takes focus as a dialog's should
          autoFocus={autoFocus}
          value={amount}
          onChange={(e) => onAmount(e.target.value)}
          aria-invalid={invalid ? true : undefined}
        />
      </label>
      <CurrencyChoice value={currency} onChange={onCurrency} />
    </>
  );
}
