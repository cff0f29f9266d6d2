// Calls the API of a running `vigil up` for commands that cannot open its embedded database
// while it runs (`vigil silence`, `vigil incident`, `vigil availability`), sending VIGIL_API_TOKEN.
// A refused login or role says what to do about it; a 404 is an ApiNotFound the command can report.

export class ApiNotFound extends Error {}

export interface VigilUpApi {
  /** The base address, e.g. http://127.0.0.1:8080. */
  api: string;
  token: string | null;
  /** Whose token the command needs, said when none is set or the role is refused. */
  role: 'admin' | 'viewer';
  /** What the command manages, for a refusal: "silences" (need an admin's token). */
  what: string;
}

export async function callVigilUpApi(target: VigilUpApi, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeoutMs = 10_000): Promise<unknown> {
  const { api, token } = target;
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const response = await fetch(`${api}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const payload = response.status === 204 ? {} : ((await response.json().catch(() => ({}))) as { message?: string });
  if (response.status === 401) {
    throw new Error(
      token === null
        ? `the running Vigil at ${api} needs a login: set VIGIL_API_TOKEN to ${target.role === 'admin' ? 'an admin\'s' : 'an'} API token (create one on the dashboard's admin page)`
        : `the running Vigil at ${api} refused VIGIL_API_TOKEN: ${payload.message ?? 'unauthorized'}`,
    );
  }
  if (response.status === 403) throw new Error(`VIGIL_API_TOKEN is not allowed to do this (${payload.message ?? 'forbidden'}): ${target.what} need ${target.role === 'admin' ? 'an admin\'s' : 'a'} token`);
  if (response.status === 404) throw new ApiNotFound(payload.message ?? 'not found');
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${payload.message ?? ''}`);
  return payload;
}

/** The call's answer, or null where the API answered 404 (no such silence, incident, …). */
export async function nullWhenNotFound<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiNotFound) return null;
    throw error;
  }
}
