import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorNotice, Loading } from '../../../components/Status';
import { exchangeSsoCode, startSession } from '../api/auth';
import { isChallenge } from '../types';
import { safeNext } from './LoginPage';

/** What the server's `error` values mean to the person signing in. */
export const SSO_ERRORS: Record<string, string> = {
  invalid_request: 'That sign-in link was already used or has expired. Start the sign-in again.',
  invalid_token:
    "Your organisation's sign-in could not be verified. Try again, or ask your administrator.",
  access_denied:
    'Your account may not sign in to Rounds this way. Ask your administrator to give you access.',
  idp_error: "Your organisation's sign-in service reported a problem. Try again in a moment.",
};

/**
 * Where single sign-on lands (`/sso/complete?code=…&return_to=…` or `?error=…`): trades the
 * one-time code for the session, then opens the page the user started from.
 */
export function SsoCompletePage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  const code = params.get('code');
  const failure = params.get('error');
  const next = safeNext(params.get('return_to'));

  useEffect(() => {
    if (!code || started.current) return;
    started.current = true; // the code is single use
    exchangeSsoCode(code)
      .then((result) => {
        if (isChallenge(result)) throw new Error('This sign-in needs a password sign-in instead.');
        startSession(result);
        navigate(next, { replace: true });
      })
      .catch(setError);
  }, [code, navigate, next]);

  const message = failure
    ? (SSO_ERRORS[failure] ?? 'The single sign-on did not complete.')
    : !code
      ? 'This page is where single sign-on returns to; nothing to do here.'
      : null;

  return (
    <main className="login" id="main">
      <div className="login-card card">
        <p className="brand-mark" aria-hidden="true">
          Rounds
        </p>
        <h1>Single sign-on</h1>
        {message === null && error === null && <Loading label="Signing you in…" />}
        {message !== null && (
          <p className="notice" role="alert">
            {message}
          </p>
        )}
        {error !== null && <ErrorNotice error={error} />}
        {(message !== null || error !== null) && (
          <p>
            <Link to="/login">Back to sign in</Link>
          </p>
        )}
      </div>
    </main>
  );
}
