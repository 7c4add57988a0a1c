// A real graphql-sse client (distinct connections mode) for tests, with one subscription's payloads
// collected for bounded waits, and refusals (a non-2xx response) turned into the errors they carry.
import { createClient, NetworkError } from 'graphql-sse';
import { codeOf } from './error-code.js';
import { waitFor } from './wait-for.js';

export interface SsePayload<T> {
  data?: T | null;
  errors?: readonly unknown[];
}

export interface SseSubscription<T> {
  /** `data` of each `next` payload, in arrival order. */
  readonly items: T[];
  /** Every streamed `next` payload (data and errors). */
  readonly payloads: SsePayload<T>[];
  /** The payloads in the body of a refused (non-2xx) request, as graphql-sse reports it to `error`. */
  readonly refusals: SsePayload<unknown>[];
  /** What reached the sink's `error`. */
  readonly errors: unknown[];
  /** Every `extensions.code`, from streamed payloads, then refusals. */
  codes(): unknown[];
  /** True once the sink saw `error` or `complete` (and a refusal's body has been read). */
  ended(): boolean;
  waitForCount(count: number, timeoutMs?: number): Promise<T[]>;
  waitForEnd(timeoutMs?: number): Promise<void>;
  dispose(): void;
}

const isPayload = (value: unknown): value is SsePayload<unknown> =>
  typeof value === 'object' && value !== null && ('data' in value || 'errors' in value);

// A refusal's body is plain JSON (`{"errors":[…]}`) or an event stream whose `data:` lines hold payloads.
const payloadsOfBody = (text: string): SsePayload<unknown>[] => {
  const candidates = text.trimStart().startsWith('{')
    ? [text]
    : text
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice('data:'.length));
  const payloads: SsePayload<unknown>[] = [];
  for (const candidate of candidates) {
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (isPayload(parsed)) payloads.push(parsed);
    } catch {
      // Not JSON: nothing to collect.
    }
  }
  return payloads;
};

export const subscribeSse = <T>(
  url: string,
  token: string | undefined,
  request: { query: string; variables?: Record<string, unknown> },
): SseSubscription<T> => {
  const client = createClient({
    url,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const items: T[] = [];
  const payloads: SsePayload<T>[] = [];
  const refusals: SsePayload<unknown>[] = [];
  const errors: unknown[] = [];
  let ended = false;
  const unsubscribe = client.subscribe<T>(request, {
    next: (payload) => {
      payloads.push(payload);
      if (payload.data) items.push(payload.data);
    },
    error: (error: unknown) => {
      errors.push(error);
      const response = error instanceof NetworkError ? error.response : undefined;
      if (!(response instanceof Response)) {
        ended = true;
        return;
      }
      response.text().then(
        (text) => {
          refusals.push(...payloadsOfBody(text));
          ended = true;
        },
        (readError: unknown) => {
          errors.push(readError);
          ended = true;
        },
      );
    },
    complete: () => {
      ended = true;
    },
  });
  const codes = () =>
    [...payloads, ...refusals].flatMap((payload) => payload.errors?.map(codeOf) ?? []);
  return {
    items,
    payloads,
    refusals,
    errors,
    codes,
    ended: () => ended,
    waitForCount: async (count, timeoutMs = 5_000) => {
      await waitFor(() => items.length >= count, {
        timeoutMs,
        what: () => `${count} SSE items (have ${items.length}; codes ${JSON.stringify(codes())})`,
      });
      return items;
    },
    waitForEnd: async (timeoutMs = 5_000) => {
      await waitFor(() => ended, { timeoutMs, what: 'the SSE subscription to end' });
    },
    dispose: () => {
      unsubscribe();
      client.dispose();
    },
  };
};
