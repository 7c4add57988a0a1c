/** Polls `check` until it returns truthy, or fails naming `what` once `timeoutMs` has passed. */
export const waitFor = async <T>(
  check: () => T | Promise<T>,
  { timeoutMs = 5_000, what, intervalMs = 10 }: { timeoutMs?: number; what: string | (() => string); intervalMs?: number },
): Promise<NonNullable<T>> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
