export { LoginPage } from './components/LoginPage';
export { SessionProvider, useSession } from './hooks/useSession';
export { logout } from './api/auth';
