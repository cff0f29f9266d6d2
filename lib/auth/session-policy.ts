// How long a browser login lasts: it ends after 12 hours without a request (sliding) and
// 7 days after the login whatever happens, so a forgotten tab does not stay logged in forever.
export const SESSION_IDLE_MS = 12 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 7 * 86_400_000;

/** last_seen_at is rewritten at most this often, not on every request of a busy dashboard. */
export const SESSION_TOUCH_EVERY_MS = 60_000;

/** The same for an API token's last_used_at. */
export const TOKEN_TOUCH_EVERY_MS = 60_000;

export const SESSION_COOKIE = 'vigil_session';
