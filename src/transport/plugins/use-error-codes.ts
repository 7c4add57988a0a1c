import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../errors/index.js';

const withCode = (error: unknown, code: ErrorCode): unknown => {
  if (!(error instanceof GraphQLError)) return error;
  if (typeof error.extensions['code'] === 'string') return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
};

const isExecutionResult = (value: unknown): value is ExecutionResult =>
  typeof value === 'object' && value !== null && !(Symbol.asyncIterator in value);

// An execution result with errors and no `data` key failed before execution began: GraphQL rejected the
// request's variables while coercing them (an Int out of range, a missing required variable …).
const codeRequestErrors = (result: unknown, setResult: (result: ExecutionResult) => void): void => {
  if (!isExecutionResult(result) || !result.errors || 'data' in result) return;
  // withCode returns what it was given unless it is a GraphQLError, and these all are.
  setResult({ ...result, errors: result.errors.map((error) => withCode(error, ErrorCode.BadUserInput) as GraphQLError) });
};

/**
 * Gives every error that GraphQL itself raises a contract code: parse failures GRAPHQL_PARSE_FAILED,
 * validation failures (including query depth/alias/cost limits) GRAPHQL_VALIDATION_FAILED, variable
 * coercion failures BAD_USER_INPUT. Errors that already carry a code keep it.
 */
export const useErrorCodes = (): Plugin => ({
  onParse: () => ({ result, replaceParseResult }) => {
    if (result instanceof Error) replaceParseResult(withCode(result, ErrorCode.GraphqlParseFailed));
  },
  onValidate: () => ({ result, setResult }) => {
    if (result.length > 0) setResult(result.map((error) => withCode(error, ErrorCode.GraphqlValidationFailed)));
  },
  onExecute: () => ({
    onExecuteDone: ({ result, setResult }) => codeRequestErrors(result, setResult),
  }),
  onSubscribe: () => ({
    onSubscribeResult: ({ result, setResult }) => codeRequestErrors(result, setResult),
  }),
});
