import { CURRENCIES } from '../lib/money.js';

/** A labelled choice of one ISO 4217 currency: every form that asks for a currency asks with this. */
export function CurrencyChoice({
  label = 'Currency',
  value,
  onChange,
  grow = false,
}: {
  label?: string;
  value: string;
  onChange: (currency: string) => void;
  /** Takes the row's spare width (beside another choice), rather than its own width (beside an amount). */
  grow?: boolean;
}) {
  return (
    <label className={grow ? 'field grow' : 'field'}>
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {CURRENCIES.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}
