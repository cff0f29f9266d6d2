// One webhook delivery: a JSON POST that counts as delivered on a 2xx answer only.
export interface WebhookDelivery {
  url: string;
  body: unknown;
  /** The receiver's own; they cannot replace the content type. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function sendWebhook(delivery: WebhookDelivery): Promise<void> {
  // Names are matched without regard to case, as HTTP does: a receiver's Content-Type replaces ours, never joins it.
  const headers = new Headers({ 'user-agent': 'vigil-alerter' });
  for (const [name, value] of Object.entries(delivery.headers ?? {})) headers.set(name, value);
  headers.set('content-type', 'application/json');
  let response: Response;
  try {
    response = await fetch(delivery.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(delivery.body),
      signal: AbortSignal.timeout(delivery.timeoutMs ?? 10_000),
      redirect: 'error',
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new Error(`POST ${redactUrl(delivery.url)} failed: ${error instanceof Error ? error.message : String(error)}${cause}`, { cause: error });
  }
  // The body is read (and bounded) so the connection is released, and quoted to say why it failed.
  const answer = (await response.text().catch(() => '')).slice(0, 200);
  if (!response.ok) throw new Error(`POST ${redactUrl(delivery.url)} answered ${response.status}${answer ? `: ${answer}` : ''}`);
}

// Slack-style URLs carry their secret in the path; logs and the outbox table get only the origin.
export function redactUrl(url: string): string {
  try {
    return new URL(url).origin + '/…';
  } catch {
    return 'an invalid URL';
  }
}
