export { LoginPage } from './components/LoginPage';
export { SsoCompletePage } from './components/SsoCompletePage';
export { SessionProvider, useSession } from './hooks/useSession';
export { logout } from './api/auth';
