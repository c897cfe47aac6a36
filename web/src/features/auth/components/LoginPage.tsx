import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorNotice } from '../../../components/Status';
import { completeMfa, findSsoStart, login, startEnrolment, startSession } from '../api/auth';
import { useSession } from '../hooks/useSession';
import { isChallenge, type LoginResult, type MfaEnrolment, type Tokens } from '../types';

/** Only same-app paths are followed after sign-in (an open redirect would be a phishing aid). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) {
    return '/';
  }
  return next;
}

type Step =
  | { kind: 'password' }
  | { kind: 'code'; challenge: string; enrolment: MfaEnrolment | null }
  | { kind: 'recovery'; tokens: Tokens; codes: string[] };

export function LoginPage() {
  const { status } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [org, setOrg] = useState('');
  const [ssoMessage, setSsoMessage] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, [step.kind]);

  if (status === 'signed-in' && step.kind !== 'recovery') {
    return <Navigate to={next} replace />;
  }

  async function finish(result: LoginResult) {
    if (isChallenge(result)) {
      const enrolment = result.enrolment_required ? await startEnrolment(result.challenge) : null;
      setCode('');
      setStep({ kind: 'code', challenge: result.challenge, enrolment });
      return;
    }
    if (result.recovery_codes && result.recovery_codes.length > 0) {
      setStep({ kind: 'recovery', tokens: result, codes: result.recovery_codes });
      return;
    }
    startSession(result);
    navigate(next, { replace: true });
  }

  async function startSso(e: FormEvent) {
    e.preventDefault();
    const slug = org.trim();
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/i.test(slug)) {
      setSsoMessage(
        'Type your organisation ID: letters, digits and dashes, as your administrator gave it.',
      );
      return;
    }
    setBusy(true);
    setSsoMessage(null);
    try {
      const url = await findSsoStart(slug, next);
      if (url) window.location.assign(url);
      else setSsoMessage(`No single sign-on is set up for "${slug}". Sign in with your password.`);
    } catch {
      setSsoMessage('Single sign-on cannot be reached right now. Try again in a moment.');
    } finally {
      setBusy(false);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (step.kind === 'password') {
        await finish(await login(email.trim(), password));
      } else if (step.kind === 'code') {
        await finish(await completeMfa(step.challenge, code.trim()));
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" id="main">
      <div className="login-card card">
        <p className="brand-mark" aria-hidden="true">
          Rounds
        </p>
        {step.kind === 'password' && (
          <form onSubmit={submit} noValidate={false}>
            <h1 ref={heading} tabIndex={-1}>
              Sign in
            </h1>
            <div className="field">
              <label htmlFor="email">Email</label>
              <input
                id="email"
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="password">Password</label>
              <input
                id="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
            {error !== null && <ErrorNotice error={error} />}
            <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        )}
        {step.kind === 'password' && (
          <form className="sso-form" onSubmit={startSso}>
            <h2>Single sign-on</h2>
            <div className="field">
              <label htmlFor="sso-org">Organisation ID</label>
              <input
                id="sso-org"
                autoCapitalize="none"
                autoCorrect="off"
                spellCheck={false}
                value={org}
                onChange={(e) => setOrg(e.target.value)}
              />
            </div>
            {ssoMessage !== null && (
              <p className="notice" role="alert">
                {ssoMessage}
              </p>
            )}
            <button className="btn btn-block" type="submit" disabled={busy}>
              Continue with your organisation
            </button>
          </form>
        )}
        {step.kind === 'code' && (
          <form onSubmit={submit}>
            <h1 ref={heading} tabIndex={-1}>
              {step.enrolment ? 'Set up two-step sign-in' : 'Two-step sign-in'}
            </h1>
            {step.enrolment && (
              <div className="enrol">
                <p>Scan this code with your authenticator app, or type the key below.</p>
                <img
                  className="qr"
                  width="180"
                  height="180"
                  alt="QR code for your authenticator app"
                  src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(step.enrolment.qr_svg)}`}
                />
                <p>
                  Key: <code className="secret">{step.enrolment.secret}</code>
                </p>
              </div>
            )}
            <div className="field">
              <label htmlFor="code">Code from your authenticator app (or a recovery code)</label>
              <input
                id="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </div>
            {error !== null && <ErrorNotice error={error} />}
            <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
              {busy ? 'Checking…' : 'Verify'}
            </button>
            <button
              type="button"
              className="btn btn-link"
              onClick={() => {
                setError(null);
                setStep({ kind: 'password' });
              }}
            >
              Back
            </button>
          </form>
        )}
        {step.kind === 'recovery' && (
          <div>
            <h1 ref={heading} tabIndex={-1}>
              Save your recovery codes
            </h1>
            <p>Each code signs you in once if you lose your phone. They are shown only now.</p>
            <ul className="codes">
              {step.codes.map((c) => (
                <li key={c}>
                  <code>{c}</code>
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="btn btn-primary btn-block"
              onClick={() => {
                startSession(step.tokens);
                navigate(next, { replace: true });
              }}
            >
              I saved them, continue
            </button>
          </div>
        )}
      </div>
    </main>
  );
}
