import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../errors/index.js';
import { codeRequestErrors, withCode } from '../../errors/graphql-errors.js';

const isExecutionResult = (value: unknown): value is ExecutionResult =>
  typeof value === 'object' && value !== null && !(Symbol.asyncIterator in value);

const codeIfRequestErrors = (result: unknown, setResult: (result: ExecutionResult) => void): void => {
  const coded = isExecutionResult(result) ? codeRequestErrors(result) : undefined;
  if (coded) setResult(coded);
};

/**
 * Gives every error that GraphQL itself raises a contract code: parse failures GRAPHQL_PARSE_FAILED,
 * validation failures (including query depth/alias/cost limits) GRAPHQL_VALIDATION_FAILED, variable
 * coercion failures BAD_USER_INPUT. Errors that already carry a code keep it. The policy itself is in
 * errors/graphql-errors.ts, shared with graphql-ws subscriptions.
 */
export const useErrorCodes = (): Plugin => ({
  onParse: () => ({ result, replaceParseResult }) => {
    if (result instanceof Error) replaceParseResult(withCode(result, ErrorCode.GraphqlParseFailed));
  },
  onValidate: () => ({ result, setResult }) => {
    if (result.length > 0) setResult(result.map((error) => withCode(error, ErrorCode.GraphqlValidationFailed)));
  },
  onExecute: () => ({
    onExecuteDone: ({ result, setResult }) => codeIfRequestErrors(result, setResult),
  }),
  onSubscribe: () => ({
    onSubscribeResult: ({ result, setResult }) => codeIfRequestErrors(result, setResult),
  }),
});
