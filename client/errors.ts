// Every failure the client reports is a RoomcastClientError with a stable `code`: the server's
// `extensions.code`, or one of the client's own codes below for failures that never reached GraphQL.
import type { CombinedError } from '@urql/core';
import { CloseCode, ErrorCode } from '../src/protocol/index.js';

/** Codes the client itself assigns (the server's codes are in docs/errors-and-close-codes.md). */
export const ClientErrorCode = {
  /** The request or socket failed below GraphQL: offline, refused, cut, timed out. Safe to retry. */
  NetworkError: 'NETWORK_ERROR',
  /** The server answered without data and without errors. */
  NoData: 'NO_DATA',
  /** The socket was closed with a code that retrying cannot fix (e.g. 4400 bad message). */
  ConnectionClosed: 'CONNECTION_CLOSED',
} as const;

/** A failure with its stable code; `closeCode` is set when a socket close caused it. */
export class RoomcastClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    override readonly cause?: unknown,
    readonly closeCode?: number,
  ) {
    super(message);
    this.name = 'RoomcastClientError';
  }
}

// Writes that failed this way changed nothing, or are idempotent (sendMessage with a clientId): retry.
const RETRYABLE = new Set<string>([ClientErrorCode.NetworkError, ErrorCode.EngineUnavailable]);
export const isRetryable = (error: RoomcastClientError): boolean => RETRYABLE.has(error.code);

// Codes with which the server ends a stream that can go on from its last cursor: the subscriber fell too
// far behind, or an engine outage outlasted the server's ENGINE_OUTAGE_MAX_MS (or hit its opening).
const RESUMABLE = new Set<string>([ErrorCode.SlowConsumer, ErrorCode.EngineUnavailable]);
export const isResumable = (error: RoomcastClientError): boolean => RESUMABLE.has(error.code);

const codeOf = (extensions: Readonly<Record<string, unknown>> | undefined): string | undefined => {
  const code = extensions?.['code'];
  return typeof code === 'string' ? code : undefined;
};

/** An urql result's error: the first GraphQL error's code, else a network error. */
export const fromCombinedError = (error: CombinedError): RoomcastClientError => {
  const first = error.graphQLErrors[0];
  if (first) return new RoomcastClientError(codeOf(first.extensions) ?? ErrorCode.InternalServerError, first.message, error);
  return new RoomcastClientError(ClientErrorCode.NetworkError, error.networkError?.message ?? error.message, error);
};

interface FormattedError {
  message: string;
  extensions?: Record<string, unknown>;
}

const isFormattedErrorList = (value: unknown): value is FormattedError[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && 'message' in item);

const isCloseEvent = (value: unknown): value is { code: number; reason?: string } =>
  typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number';

/** GraphQL errors of a `next` payload or an `error` message. */
export const fromGraphQLErrors = (errors: readonly FormattedError[], cause?: unknown): RoomcastClientError => {
  const first = errors[0];
  return new RoomcastClientError(codeOf(first?.extensions) ?? ErrorCode.InternalServerError, first?.message ?? 'GraphQL error', cause ?? errors);
};

/** What graphql-ws hands a sink's `error`: GraphQL errors, a CloseEvent it will not retry, or an Error. */
export const fromSubscriptionError = (error: unknown): RoomcastClientError => {
  if (isFormattedErrorList(error)) return fromGraphQLErrors(error);
  if (isCloseEvent(error)) {
    // 4403 is the server's answer to a missing, forged or expired token at connection_init, and its close
    // of a socket whose token expired without a refreshAuth.
    if (error.code === CloseCode.Forbidden) return new RoomcastClientError(ErrorCode.Unauthenticated, 'The server refused the token', error, error.code);
    return new RoomcastClientError(ClientErrorCode.ConnectionClosed, `Socket closed with ${error.code} ${error.reason ?? ''}`.trim(), error, error.code);
  }
  return new RoomcastClientError(ClientErrorCode.NetworkError, error instanceof Error ? error.message : 'Socket error', error);
};
