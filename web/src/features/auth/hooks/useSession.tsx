import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../../../lib/api/client';
import { NetworkError } from '../../../lib/api/problem';
import type { SessionUser } from '../types';

/**
 * checking: the startup refresh is in flight; signed-in: an access token is held (in memory only);
 * signed-out: no valid refresh cookie; offline: the server could not be reached, so only what is
 * stored on the device (the app shell and recently viewed profiles) can be shown.
 */
export type SessionStatus = 'checking' | 'signed-in' | 'signed-out' | 'offline';

interface Session {
  status: SessionStatus;
  user: SessionUser | null;
  retry: () => void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus>('checking');
  const [user, setUser] = useState<SessionUser | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(
    () =>
      api.onSession((tokens) => {
        setUser(tokens?.user ?? null);
        setStatus(tokens ? 'signed-in' : 'signed-out');
      }),
    [],
  );

  useEffect(() => {
    let live = true;
    api.refresh().then(
      (tokens) => {
        if (live && !tokens) setStatus('signed-out');
      },
      (err: unknown) => {
        if (live) setStatus(err instanceof NetworkError ? 'offline' : 'signed-out');
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  useEffect(() => {
    if (status !== 'offline') return;
    const back = () => setAttempt((a) => a + 1);
    window.addEventListener('online', back);
    return () => window.removeEventListener('online', back);
  }, [status]);

  const value = useMemo(
    () => ({ status, user, retry: () => setAttempt((a) => a + 1) }),
    [status, user],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
