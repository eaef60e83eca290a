import { PASSWORD_MIN } from '@kakeibo/core';
import { type FormEvent, useId, useState } from 'react';
import { useKakeibo, useStatus } from '../app/kakeibo.js';
import { FormError } from '../components/FormError.js';

/**
 * Sign up or sign in, against the server that served the app. When the server ended this device's
 * session (revoked from another device, or the account disabled) the reason is shown here, and the
 * data on this device is still there after signing in again.
 */
export function SignInScreen({ onSignedIn }: { onSignedIn: () => void }) {
  const kb = useKakeibo();
  const status = useStatus();
  const [mode, setMode] = useState<'signin' | 'signup'>('signin');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  const ended =
    status.lastError && /^(auth|device)\./.test(status.lastError.code) ? status.lastError.message : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'signup') await kb.auth.signUp({ email, password });
      else await kb.auth.signIn({ email, password });
      onSignedIn();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <form className="card stack-tight signin-card" onSubmit={submit} aria-labelledby={headingId}>
        <div className="brand">
          <img src="/icon.svg" alt="" width="48" height="48" />
          <span>Kakeibo</span>
        </div>
        <h1 id={headingId}>{mode === 'signin' ? 'Sign in' : 'Create your account'}</h1>
        {ended && (
          <p className="warning" role="alert">
            {ended} Your data on this device is kept.
          </p>
        )}
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'signup' ? PASSWORD_MIN : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={mode === 'signup' ? 'password-hint' : undefined}
          />
        </label>
        {mode === 'signup' && (
          <p id="password-hint" className="muted small">
            At least {PASSWORD_MIN} characters. A few unrelated words make a strong one.
          </p>
        )}
        <FormError error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'One moment…' : mode === 'signin' ? 'Sign in' : 'Create account'}
        </button>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setMode(mode === 'signin' ? 'signup' : 'signin');
            setError(null);
          }}
        >
          {mode === 'signin' ? 'New here? Create an account' : 'Already have an account? Sign in'}
        </button>
        <p className="muted small">Server: {location.host}</p>
      </form>
    </main>
  );
}
