// What the web server knows about whoever sent a request, once authenticated; route handlers
// read the acting user from here, never from the request body.
import type { UserRole } from '../db/database.ts';

export interface AuthUser {
  name: string;
  role: UserRole;
}

export interface VigilCredentials {
  user: AuthUser;
  /** hapi checks route `access.scope` against this: ['viewer'] or ['viewer', 'admin']. */
  scope: string[];
  via: 'session' | 'token';
}

export const USER_ROLES: readonly UserRole[] = ['viewer', 'admin'];

export function scopeOf(role: UserRole): string[] {
  return role === 'admin' ? ['viewer', 'admin'] : ['viewer'];
}

export function credentialsFor(user: AuthUser, via: VigilCredentials['via']): VigilCredentials {
  return { user: { name: user.name, role: user.role }, scope: scopeOf(user.role), via };
}
