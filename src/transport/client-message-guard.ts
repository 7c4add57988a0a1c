/**
 * graphql-ws frames that graphql-ws's own validator lets through but that a client must not send. Each
 * gets the protocol's answer to an invalid message, 4400 (graphql-transport-ws: "receiving a message of a
 * type or format which is not specified in this document will result in an immediate socket closure with
 * the event 4400").
 */

import { nestsDeeperThan } from '../lib/nesting-depth.js';

/** Longest operation id a client may use: ids are echoed in every frame of the operation. */
export const MAX_OPERATION_ID_LENGTH = 128;

// graphql-ws validates these shapes and then fails with an internal error (4500) when a client sends them.
const SERVER_ONLY_TYPES: ReadonlySet<unknown> = new Set(['connection_ack', 'next', 'error']);

/**
 * Why a client frame is refused with 4400, or undefined to hand it to graphql-ws (which validates
 * everything else: JSON, known types, field types). Text that is not JSON is left to graphql-ws too.
 * `maxPayloadDepth` (MAX_VARIABLES_DEPTH) bounds the payload of every frame but `subscribe`, whose variables
 * and extensions get a coded error on their operation instead (graphql-ws.ts).
 */
export const refusalOf = (text: string, maxPayloadDepth: number): string | undefined => {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, id, payload } = message as { type?: unknown; id?: unknown; payload?: unknown }; // a non-null object; its fields are read as unknown
  if (SERVER_ONLY_TYPES.has(type)) return `A client may not send "${String(type)}" messages`;
  if (typeof id === 'string' && id.length > MAX_OPERATION_ID_LENGTH) return `Operation id longer than ${MAX_OPERATION_ID_LENGTH} characters`;
  // graphql-ws echoes a ping's payload in its pong and keeps connection_init's for the socket's life; its
  // JSON.stringify overflows the stack on a deep one (a 1 MB frame nests half a million levels).
  if (type !== 'subscribe' && nestsDeeperThan(payload, maxPayloadDepth)) return `Payload nests deeper than ${maxPayloadDepth} levels`;
  return undefined;
};
