// Who runs a command that records its author (`vigil silence`, `vigil incident`) when it writes the
// database itself: --by, else $USER, else the OS account. Through the API the token's user counts instead.
import { userInfo } from 'node:os';

export function invokingUser(by: string | undefined, env: NodeJS.ProcessEnv): string {
  if (by !== undefined) return by;
  if (env['USER']) return env['USER'];
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
