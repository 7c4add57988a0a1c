// Optimistic sending. A message is shown as `pending` the moment the app sends it, under a clientId made
// here. Sends go out one at a time, in the order the app made them, so the room's order is the author's.
// A network failure (the request or its answer was lost) is retried with the same clientId: the server
// stores a clientId once per author and room, so a retry of a send that did arrive returns the first
// message and stores nothing. Any other error ends the message as `failed` with the server's code; the
// app may `retry` it (same clientId again). A message stops being pending when the room's stream delivers
// the server's copy with its clientId: only then is its place in the room's order known.
import { backoffDelayMs, type BackoffOptions } from './backoff.js';
import { newClientId } from './client-id.js';
import { ClientErrorCode, isRetryable, RoomcastClientError } from './errors.js';
import { createValue, type ObservableValue } from './observable-value.js';

export interface OutgoingMessage {
  clientId: string;
  body: string;
  status: 'pending' | 'failed';
  /** The error code of a `failed` message. */
  errorCode: string | null;
  /** Sends attempted so far. */
  attempts: number;
}

export interface OutboxOptions {
  send(body: string, clientId: string): Promise<unknown>;
  pause(ms: number): Promise<void>;
  backoff: BackoffOptions;
  /** Network failures in a row before a message is given up as failed (NETWORK_ERROR). */
  maxAttempts: number;
}

export interface Outbox {
  /** Messages sent but not yet seen in the room's stream, in the order they were sent. */
  readonly messages: ObservableValue<readonly OutgoingMessage[]>;
  /** Queues `body` and returns its clientId. */
  send(body: string): string;
  /** Queues a failed message again, with its clientId. */
  retry(clientId: string): void;
  /** The stream delivered the server's copy of `clientId`: it is no longer outgoing. False if it was not. */
  confirm(clientId: string): boolean;
  close(): void;
}

export const createOutbox = (options: OutboxOptions): Outbox => {
  const messages = createValue<readonly OutgoingMessage[]>([]);
  const queue: string[] = [];
  let draining = false;
  let closed = false;

  const find = (clientId: string) => messages.get().find((message) => message.clientId === clientId);
  const update = (clientId: string, change: Partial<OutgoingMessage>) =>
    messages.set(messages.get().map((message) => (message.clientId === clientId ? { ...message, ...change } : message)));

  const deliver = async (clientId: string) => {
    for (let failures = 0; ; failures++) {
      const message = find(clientId);
      // Confirmed by the stream while a retry was waiting: done.
      if (!message || closed) return;
      update(clientId, { attempts: message.attempts + 1 });
      try {
        await options.send(message.body, clientId);
        return;
      } catch (caught) {
        const error = caught instanceof RoomcastClientError ? caught : new RoomcastClientError(ClientErrorCode.NetworkError, String(caught), caught);
        if (!isRetryable(error) || failures + 1 >= options.maxAttempts) {
          if (find(clientId)) update(clientId, { status: 'failed', errorCode: error.code });
          return;
        }
        await options.pause(backoffDelayMs(failures, options.backoff));
      }
    }
  };

  const drain = async () => {
    if (draining) return;
    draining = true;
    try {
      for (let clientId = queue.shift(); clientId !== undefined && !closed; clientId = queue.shift()) await deliver(clientId);
    } finally {
      draining = false;
    }
  };

  return {
    messages,
    send(body) {
      const clientId = newClientId();
      messages.set([...messages.get(), { clientId, body, status: 'pending', errorCode: null, attempts: 0 }]);
      queue.push(clientId);
      void drain();
      return clientId;
    },
    retry(clientId) {
      const message = find(clientId);
      if (!message || message.status !== 'failed') return;
      update(clientId, { status: 'pending', errorCode: null });
      queue.push(clientId);
      void drain();
    },
    confirm(clientId) {
      if (!find(clientId)) return false;
      messages.set(messages.get().filter((message) => message.clientId !== clientId));
      return true;
    },
    close() {
      closed = true;
      queue.length = 0;
    },
  };
};
