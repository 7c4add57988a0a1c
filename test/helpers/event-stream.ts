// A raw text/event-stream reader for tests that look at the wire itself (`id:` lines, comments), which
// graphql-sse's client hides. Events are parsed as the HTML spec's EventSource parses them.
import { waitFor } from './wait-for.js';

export interface StreamEvent {
  /** The `id:` field, if the event had one. */
  id: string | undefined;
  event: string;
  data: string;
}

export interface EventStream {
  status: number;
  contentType: string | null;
  events: StreamEvent[];
  /** The text of each comment line (after the `:`). */
  comments: string[];
  /** The `data` of `next` events, parsed. */
  payloads<T = unknown>(): { data?: T; errors?: { extensions?: { code?: string } }[] }[];
  /** The raw body so far. */
  text(): string;
  ended(): boolean;
  waitForEvents(count: number, timeoutMs?: number): Promise<StreamEvent[]>;
  close(): void;
}

export const openEventStream = async (
  url: string,
  { method = 'POST', body, headers = {} }: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> } = {},
): Promise<EventStream> => {
  const abort = new AbortController();
  const response = await fetch(url, {
    method,
    headers: { accept: 'text/event-stream', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: abort.signal,
  });
  const events: StreamEvent[] = [];
  const comments: string[] = [];
  let raw = '';
  let pending = '';
  let current: { id?: string; event?: string; data: string[] } = { data: [] };
  let ended = false;
  const line = (text: string) => {
    if (text === '') {
      if (current.data.length > 0 || current.event !== undefined) {
        events.push({ id: current.id, event: current.event ?? 'message', data: current.data.join('\n') });
      }
      current = { data: [] };
      return;
    }
    if (text.startsWith(':')) return void comments.push(text.slice(1).trim());
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') current.id = value;
    else if (field === 'event') current.event = value;
    else if (field === 'data') current.data.push(value);
  };
  void (async () => {
    const decoder = new TextDecoder();
    try {
      const reader = response.body?.getReader();
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
        const text = decoder.decode(chunk.value, { stream: true });
        raw += text;
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const each of lines) line(each.replace(/\r$/, ''));
      }
    } catch {
      // Aborted by close(), or cut by the server: either way the stream has ended.
    } finally {
      ended = true;
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    comments,
    payloads: <T>() =>
      events.filter((event) => event.event === 'next').map((event) => JSON.parse(event.data) as { data?: T; errors?: { extensions?: { code?: string } }[] }),
    text: () => raw,
    ended: () => ended,
    waitForEvents: async (count, timeoutMs = 5_000) => {
      await waitFor(() => events.length >= count, { timeoutMs, what: () => `${count} SSE events (have ${events.length}: ${raw.slice(-500)})` });
      return events;
    },
    close: () => abort.abort(),
  };
};
