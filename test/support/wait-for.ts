// Waiting for a condition in tests: poll until it holds, fail loudly with what was awaited.

/** Polls `check` until it returns a value other than undefined; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined | Promise<T | undefined>, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Polls `condition` until it holds; throws after `timeoutMs` naming what was awaited. */
export async function waitUntil(what: string, timeoutMs: number, condition: () => boolean | Promise<boolean>, everyMs = 100): Promise<void> {
  await waitFor(what, timeoutMs, async () => ((await condition()) ? true : undefined), everyMs);
}
