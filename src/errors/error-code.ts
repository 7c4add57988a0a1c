// Stable wire codes, as listed in the contract. Clients switch on these, never on messages.
// Every value here is documented in the README's error table (a test checks that).
export enum ErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  BadUserInput = 'BAD_USER_INPUT',
  RateLimited = 'RATE_LIMITED',
  GraphqlParseFailed = 'GRAPHQL_PARSE_FAILED',
  GraphqlValidationFailed = 'GRAPHQL_VALIDATION_FAILED',
  InternalServerError = 'INTERNAL_SERVER_ERROR',
  /** A contract field whose feature has not been built yet on this server. */
  /** A per-room or per-connection bound was reached (e.g. 20 active timers per room); `extensions.limit` names it. */
  LimitExceeded = 'LIMIT_EXCEEDED',
  /** The timer has FINISHED or been STOPPED; nothing more can be done to it. */
  TimerEnded = 'TIMER_ENDED',
  /** The engine's backing store (Redis) cannot be reached; nothing was changed. Retry later. */
  EngineUnavailable = 'ENGINE_UNAVAILABLE',
  /** The request body is larger than MAX_BODY_BYTES (HTTP 413). */
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  /** A subscriber fell so far behind that the server ended its stream; resume from the last cursor. */
  SlowConsumer = 'SLOW_CONSUMER',
}
