import { type FormEvent, useState } from 'react';
import { useKakeibo, useLive } from '../app/kakeibo.js';
import { locale } from '../app/preferences.js';
import { useChange, useTap } from '../app/undo.js';
import { dateLabel, today } from '../lib/dates.js';
import { CURRENCIES } from '../lib/money.js';
import { CurrencyChoice } from './CurrencyChoice.js';
import { FormFooter } from './FormFooter.js';

/** As core's RATE_PATTERN: up to 12 digits each side of a '.'. */
const RATE = /^\d{1,12}(\.\d{1,12})?$/;

/**
 * The home currency (the profile's, synced): totals over several currencies are converted into it.
 * The profile row needs a name and a locale too; the first time, the app fills them with a plain
 * default and the browser's language (nothing here asks for a name yet).
 */
export function HomeCurrency() {
  const kb = useKakeibo();
  const change = useChange();
  const profile = useLive((k) => k.profile.get(), ['profile'], []);
  const [error, setError] = useState<string | null>(null);
  const current = profile.data ? String(profile.data.defaultCurrency) : '';

  async function choose(currency: string) {
    if (!currency || currency === current) return;
    try {
      await change(`Home currency set to ${currency}`, () =>
        kb.profile.set(
          profile.data
            ? { defaultCurrency: currency }
            : { displayName: 'Me', defaultCurrency: currency, locale: locale() },
        ),
      );
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section className="card stack-tight" aria-labelledby="home-currency">
      <h2 id="home-currency">Home currency</h2>
      <p className="muted small">
        Totals over several currencies (Home, budgets of all spending) are converted into it, at the rates
        below.
      </p>
      <label className="field">
        <span>Home currency</span>
        <select value={current} onChange={(e) => void choose(e.target.value)}>
          {!current && <option value="">Not chosen yet</option>}
          {CURRENCIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Exchange rates the person entered (synced): add one for a pair and a date, list, delete. */
export function ExchangeRates() {
  const kb = useKakeibo();
  const change = useChange();
  const tap = useTap();
  const lang = locale();
  const rates = useLive((k) => k.rates.listAll(), ['rates'], []);
  const profile = useLive((k) => k.profile.get(), ['profile'], []);
  const home = profile.data ? String(profile.data.defaultCurrency) : 'EUR';
  const [from, setFrom] = useState('USD');
  const [to, setTo] = useState<string | null>(null);
  const [date, setDate] = useState(today());
  const [rate, setRate] = useState('');
  const [error, setError] = useState<string | null>(null);
  const into = to ?? home;

  async function add(event: FormEvent) {
    event.preventDefault();
    const typed = rate.trim();
    if (from === into) return setError('To: choose another currency than From.');
    if (!RATE.test(typed) || !/[1-9]/.test(typed)) {
      return setError(
        `Rate: write how many ${into} one ${from} buys, with a '.' for decimals, such as 0.9215.`,
      );
    }
    if (!date) return setError('From date: choose the day the rate applies from.');
    try {
      await change(`Rate ${from} to ${into} added`, () =>
        kb.rates.create({ currency: from, toCurrency: into, date, rate: typed }),
      );
      setRate('');
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section className="card stack-tight" aria-labelledby="rates">
      <h2 id="rates">Exchange rates</h2>
      <p className="muted small">
        A rate applies from its date until a later one; amounts on days before any rate are not converted, and
        the app says so.
      </p>
      {rates.data?.length === 0 && <p className="muted">No rates yet.</p>}
      <ul className="plain" aria-label="Rates">
        {(rates.data ?? []).map((r) => {
          const said = `1 ${String(r.currency)} = ${String(r.rate)} ${String(r.toCurrency)} from ${dateLabel(String(r.date), lang)}`;
          return (
            <li key={r.id} className="device-line" data-testid="rate">
              <span>{said}</span>
              <button
                type="button"
                className="link-button danger-text"
                onClick={() => tap('Rate deleted', () => kb.rates.remove(r.id))}
              >
                Delete<span className="visually-hidden"> the rate {said}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <form className="stack-tight" onSubmit={add} aria-labelledby="new-rate" noValidate>
        <h3 id="new-rate" className="subhead">
          Add a rate
        </h3>
        <div className="row-2">
          <CurrencyChoice label="From" value={from} onChange={setFrom} grow />
          <CurrencyChoice label="To" value={into} onChange={setTo} grow />
        </div>
        <div className="row-2">
          <label className="field grow">
            <span>Rate</span>
            <input
              inputMode="decimal"
              autoComplete="off"
              placeholder="0.9215"
              value={rate}
              onChange={(e) => setRate(e.target.value)}
            />
          </label>
          <label className="field grow">
            <span>From date</span>
            <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
          </label>
        </div>
        <FormFooter error={error} submit="Add rate" />
      </form>
    </section>
  );
}
