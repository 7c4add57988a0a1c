/**
 * What Roomcast relies on in node:http (Node 20) beyond its documented API, in one place; guarded by
 * test/unit/library-internals.test.ts (docs/architecture.md "Library internals we rely on").
 */
import type { Duplex } from 'node:stream';

/** The part of node's current response on a socket that tells whether it has begun. */
export interface ResponseInFlight {
  headersSent?: boolean;
}

/**
 * The response node is currently writing on `socket`, if any: node's private `socket._httpMessage`, set
 * while a response is assigned to the connection and cleared when it finishes. node's own `clientError`
 * handler reads it the same way to decide whether a raw 400 may still go out.
 */
export const responseInFlightOn = (socket: Duplex): ResponseInFlight | undefined => {
  const inFlight: unknown = Reflect.get(socket, '_httpMessage');
  return typeof inFlight === 'object' && inFlight !== null ? (inFlight as ResponseInFlight) : undefined;
};

/**
 * Runs `then` once node has put a connection whose response just closed back among the idle ones, so that
 * `server.closeIdleConnections()` finds it. Assumes node does that within the current turn of the event
 * loop (after the response's 'close' listeners), so one `setImmediate` is enough.
 */
export const afterConnectionIdle = (then: () => void): void => {
  setImmediate(then);
};
