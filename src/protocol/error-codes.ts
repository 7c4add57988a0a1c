// Stable wire codes, as listed in the contract. Clients switch on these, never on messages.
// Every value here is documented in docs/errors-and-close-codes.md's error table (a test checks that).
export enum ErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  BadUserInput = 'BAD_USER_INPUT',
  RateLimited = 'RATE_LIMITED',
  GraphqlParseFailed = 'GRAPHQL_PARSE_FAILED',
  GraphqlValidationFailed = 'GRAPHQL_VALIDATION_FAILED',
  InternalServerError = 'INTERNAL_SERVER_ERROR',
  /** A per-room or per-connection bound was reached (e.g. 20 active timers per room); `extensions.limit` names it. */
  LimitExceeded = 'LIMIT_EXCEEDED',
  /** The timer has FINISHED or been STOPPED; nothing more can be done to it. */
  TimerEnded = 'TIMER_ENDED',
  /** A cursor points before the oldest message kept (retention) or into a history the store no longer has; `extensions.oldestCursor` is where to resume. */
  CursorExpired = 'CURSOR_EXPIRED',
  /** The store (PostgreSQL) or Redis cannot be reached; nothing was changed. Retry later. */
  EngineUnavailable = 'ENGINE_UNAVAILABLE',
  /** The request body is larger than MAX_BODY_BYTES (HTTP 413). */
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  /** A subscriber fell so far behind that the server ended its stream; resume from the last cursor. */
  SlowConsumer = 'SLOW_CONSUMER',
  /** The HTTP request is not a GraphQL request: bad JSON, wrong parameter types, method or media type (yoga's code). */
  BadRequest = 'BAD_REQUEST',
  /** The document has no operation that `operationName` selects (yoga's code). */
  OperationResolutionFailure = 'OPERATION_RESOLUTION_FAILURE',
}
