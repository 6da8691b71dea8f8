/**
 * Writes that must not happen twice, and so are never retried blind. Octokit's retry plugin resends a
 * request after a 5xx, a reset or a timeout; for a POST that GitHub may already have stored (a 502 from
 * its edge after the write landed) that is a second check run or a second review. Here such a write is
 * sent once, and after a failure that may have landed GitHub is asked whether it did before it is sent
 * again: read, then write.
 */
/** Attempts of one guarded write (the first and the retries after a failure that did not land). */
export const GUARDED_WRITE_ATTEMPTS = 3;

/** A failure after which the write may or may not have landed: a 5xx, a reset, a timeout (all 5xx to Octokit). */
export function mayHaveLanded(error: unknown): boolean {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status !== "number" || status >= 500;
}

/** Octokit request options that turn its retry plugin off for one request. */
export const SEND_ONCE = { request: { retries: 0 } } as const;

/**
 * Sends `write` at most `GUARDED_WRITE_ATTEMPTS` times. After a failure that may have landed, `landed()`
 * reads GitHub: a value means the write is there (it is returned, as if the write had answered); undefined
 * means it is not, and it is sent again. Any other failure is thrown at once (a 4xx will not change).
 */
export async function writeOnce<T>(write: () => Promise<T>, landed: () => Promise<T | undefined>, waitBaseMs: number = 1000): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= GUARDED_WRITE_ATTEMPTS; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!mayHaveLanded(error)) throw error;
      lastError = error;
    }
    const found = await landed();
    if (found !== undefined) return found;
    // Wait before sending again, with Octokit's own back-off (1 s, 4 s).
    if (attempt < GUARDED_WRITE_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, attempt * attempt * waitBaseMs));
  }
  throw lastError;
}
