// A typed graphql-ws subscription whose variables are read each time the operation is (re)sent.
// graphql-ws resubscribes every live operation after a reconnect, serialising the payload again; a getter
// for `variables` therefore sends the room's latest cursor as `after`, not the one of the first subscribe.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import type { Client as WsClient } from 'graphql-ws';
import { ClientErrorCode, fromGraphQLErrors, fromSubscriptionError, RoomcastClientError } from './errors.js';

export interface TypedSink<T> {
  next(data: T): void;
  /** The operation ended with an error; graphql-ws does not resubscribe it. */
  error(error: RoomcastClientError): void;
  complete(): void;
}

// Printing is pure, and every room of a session prints the same few documents.
const printed = new WeakMap<object, string>();
const printOnce = (document: DocumentNode): string => {
  let query = printed.get(document);
  if (query === undefined) {
    query = print(document);
    printed.set(document, query);
  }
  return query;
};

/** Subscribes `document`; `variables()` is called on every (re)subscribe. Returns the unsubscribe. */
export const subscribeTyped = <R extends Record<string, unknown>, V extends Record<string, unknown>>(
  ws: WsClient,
  document: TypedDocumentNode<R, V>,
  variables: () => V,
  sink: TypedSink<R>,
): (() => void) => {
  let ended = false;
  const payload = {
    query: printOnce(document),
    get variables() {
      return variables();
    },
  };
  return ws.subscribe<R>(payload, {
    next: (result) => {
      if (ended) return;
      if (result.errors?.length) {
        // The server ends a stream with an error item (e.g. NOT_FOUND when the caller left the room).
        ended = true;
        sink.error(fromGraphQLErrors(result.errors));
      } else if (result.data) sink.next(result.data);
    },
    error: (error) => {
      if (ended) return;
      ended = true;
      sink.error(fromSubscriptionError(error));
    },
    complete: () => {
      if (ended) return;
      ended = true;
      sink.complete();
    },
  });
};

/** A query or mutation sent on the socket: resolves to its one result's data, or rejects with its code. */
export const requestTyped = <R extends Record<string, unknown>, V extends Record<string, unknown>>(
  ws: WsClient,
  document: TypedDocumentNode<R, V>,
  variables: V,
): Promise<R> =>
  new Promise((resolve, reject) => {
    let data: R | undefined;
    subscribeTyped(ws, document, () => variables, {
      next: (result) => {
        data = result;
      },
      error: reject,
      complete: () =>
        data === undefined ? reject(new RoomcastClientError(ClientErrorCode.NoData, 'The server answered without data')) : resolve(data),
    });
  });
