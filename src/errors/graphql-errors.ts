import { GraphQLError, type ExecutionResult } from 'graphql';
import { maskError } from 'graphql-yoga';
import { ErrorCode } from './error-code.js';

/**
 * The one error policy of every transport: yoga's envelop (HTTP, SSE) applies it through
 * `useErrorCodes` and its masking option, graphql-ws subscriptions (executed once per broadcast group,
 * outside envelop) through the same functions, so that a client sees the same code and the same masking
 * whichever way it asked.
 */

/** `error` with `code` in its extensions, unless it already carries one; anything but a GraphQLError as given. */
export const withCode = <E>(error: E, code: ErrorCode): E => {
  if (!(error instanceof GraphQLError)) return error;
  if (typeof error.extensions['code'] === 'string') return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  }) as E;
};

/**
 * Masks an unexpected error as yoga does (INTERNAL_SERVER_ERROR, the original attached only when internals
 * may be shown). `exposeInternals` is config.exposeInternals, always passed: yoga's default would read
 * process.env.NODE_ENV.
 */
export const maskUnexpected = (error: unknown, message: string, exposeInternals: boolean): Error => maskError(error, message, exposeInternals);

const MASKED_MESSAGE = 'Unexpected error.';

// Ours carry a code and pass; GraphQL's own (no original error, or a GraphQLError) pass to be coded;
// anything a resolver threw unexpectedly is masked. maskError returns a GraphQLError when given one.
const maskIfUnexpected = (error: GraphQLError, exposeInternals: boolean): GraphQLError =>
  typeof error.extensions['code'] === 'string' ? error : (maskUnexpected(error, MASKED_MESSAGE, exposeInternals) as GraphQLError);

/**
 * An execution result with errors and no `data` key failed before execution began: GraphQL rejected the
 * request's variables while coercing them (an Int out of range, a missing required variable …). Those
 * errors are BAD_USER_INPUT; undefined when `result` is not such a result.
 */
export const codeRequestErrors = (result: ExecutionResult): ExecutionResult | undefined => {
  if (!result.errors || 'data' in result) return undefined;
  return { ...result, errors: result.errors.map((error) => withCode(error, ErrorCode.BadUserInput)) };
};

/**
 * What yoga's masking and `useErrorCodes` together make of a result, for results produced outside
 * envelop: request errors coded, unexpected errors masked.
 */
export const applyErrorPolicy = (result: ExecutionResult, exposeInternals: boolean): ExecutionResult => {
  if (!result.errors) return result;
  // Masked first: a resolver's unexpected failure before execution began is internal, not bad input.
  const masked = { ...result, errors: result.errors.map((error) => maskIfUnexpected(error, exposeInternals)) };
  return codeRequestErrors(masked) ?? masked;
};
