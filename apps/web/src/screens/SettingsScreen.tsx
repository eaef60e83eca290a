import { type DeviceInfo, type FieldValue, TABLE_NAMES } from '@kakeibo/core';
import { useEffect, useState } from 'react';
import { useKakeibo, useLive, useStatus } from '../app/kakeibo.js';
import { locale, type Theme, useTheme } from '../app/preferences.js';
import { Link } from '../app/router.js';
import { ExchangeRates, HomeCurrency } from '../components/CurrencySettings.js';
import { relativeTime } from '../lib/dates.js';

/**
 * Home currency and exchange rates, devices and sessions (with revoke), conflicts to review, changes
 * the server refused, theme, sign out.
 */
export function SettingsScreen() {
  const kb = useKakeibo();
  const [theme, setTheme] = useTheme();
  return (
    <div className="stack">
      <nav className="card stack-tight phone-only" aria-labelledby="ledger">
        <h2 id="ledger">Your ledger</h2>
        <Link to="/recurring" className="menu-link">
          Recurring <span aria-hidden="true">›</span>
        </Link>
        <Link to="/categories" className="menu-link">
          Categories <span aria-hidden="true">›</span>
        </Link>
        <Link to="/inventory" className="menu-link">
          Inventory <span aria-hidden="true">›</span>
        </Link>
      </nav>
      <HomeCurrency />
      <ExchangeRates />
      <Devices />
      <Conflicts />
      <Refused />
      <section className="card stack-tight" aria-labelledby="appearance">
        <h2 id="appearance">Appearance</h2>
        <label className="field">
          <span>Theme</span>
          <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
            <option value="system">Same as the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </section>
      <section className="card stack-tight" aria-labelledby="account">
        <h2 id="account">Account</h2>
        <p className="muted small">
          Signing out keeps this device's data, including changes not yet synced; they sync when you sign in
          again.
        </p>
        <button type="button" className="danger" onClick={() => void kb.auth.signOut()}>
          Sign out
        </button>
      </section>
    </div>
  );
}

function Devices() {
  const kb = useKakeibo();
  const status = useStatus();
  const lang = locale();
  const [devices, setDevices] = useState<DeviceInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  // The device list is the server's: this one section needs the network.
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick re-reads after a revoke; online after reconnecting.
  useEffect(() => {
    let current = true;
    kb.auth.devices().then(
      (list) => {
        if (!current) return;
        setDevices(list);
        setError(null);
      },
      (e: Error) => current && setError(e.message),
    );
    return () => {
      current = false;
    };
  }, [kb, tick, status.online]);

  async function revoke(request: { deviceIds: string[] } | { allButCurrent: true }) {
    try {
      await kb.auth.revokeDevices(request);
      setTick((t) => t + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section className="card" aria-labelledby="devices">
      <h2 id="devices">Devices</h2>
      {error && <p className="muted">Devices cannot be listed right now: {error}</p>}
      <ul className="plain">
        {(devices ?? []).map((d) => (
          <li key={d.id} className="device-line" data-testid="device">
            <div>
              <strong>{d.name}</strong>
              {d.current && <span className="badge">This device</span>}
              <div className="muted small">
                Last seen {relativeTime(d.lastSeenAt, lang)} · added {relativeTime(d.createdAt, lang)}
              </div>
            </div>
            {!d.current && (
              <button type="button" className="danger" onClick={() => void revoke({ deviceIds: [d.id] })}>
                Revoke<span className="visually-hidden"> {d.name}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {(devices?.length ?? 0) > 1 && (
        <button
          type="button"
          className="link-button danger-text"
          onClick={() => void revoke({ allButCurrent: true })}
        >
          Sign out every other device
        </button>
      )}
    </section>
  );
}

/** A stamp starts with its wall-clock milliseconds in 12 hex digits. */
const stampTime = (stamp: string) => new Date(Number.parseInt(stamp.slice(0, 12), 16)).toISOString();

const show = (value: FieldValue) =>
  value === null ? 'empty' : typeof value === 'string' ? `“${value}”` : String(value);

function Conflicts() {
  const kb = useKakeibo();
  const lang = locale();
  const conflicts = useLive(
    (k) => k.conflicts.list(),
    // A conflict can be recorded on any synced table.
    TABLE_NAMES,
    [],
  );
  if (!conflicts.data?.length) return null;
  return (
    <section className="card" aria-labelledby="conflicts">
      <h2 id="conflicts">Edits that crossed</h2>
      <p className="muted small">
        Two devices changed the same thing while apart. The later change was kept; here is what it replaced.
      </p>
      <ul className="plain">
        {conflicts.data.map((c) => (
          <li key={c.id} className="device-line" data-testid="conflict">
            <div>
              <strong>
                {c.table} · {c.field}
              </strong>
              <div className="small">
                Kept {show(c.winner.value)}, replaced {show(c.loser.value)} (
                {relativeTime(stampTime(c.winner.stamp), lang)})
              </div>
            </div>
            <button
              type="button"
              className="link-button"
              onClick={() => void kb.conflicts.dismiss(c.id).then(() => conflicts.reload())}
            >
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Refused() {
  const kb = useKakeibo();
  const status = useStatus();
  const refused = useLive((k) => k.rejected.list(), [], [status.rejectedOps]);
  if (!refused.data?.length) return null;
  return (
    <section className="card" aria-labelledby="refused">
      <h2 id="refused">Changes the server refused</h2>
      <ul className="plain">
        {refused.data.map((r) => (
          <li key={r.op.id} className="device-line">
            <div>
              <strong>{r.op.table}</strong>
              <div className="small">{r.message}</div>
            </div>
            <button
              type="button"
              className="link-button"
              onClick={() => void kb.rejected.dismiss(r.op.id).then(() => refused.reload())}
            >
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
