import type { components } from '../../../lib/api/schema';

export type Tokens = components['schemas']['Tokens'];
export type MfaChallenge = components['schemas']['MfaChallenge'];
export type LoginResult = Tokens | MfaChallenge;
export type MfaEnrolment = components['schemas']['MfaEnrolment'];
export type SessionUser = Tokens['user'];

export function isChallenge(r: LoginResult): r is MfaChallenge {
  return 'mfa_required' in r && r.mfa_required === true;
}
