import { getOperationAST, Kind, type DocumentNode, type ExecutionResult } from 'graphql';
import { ErrorCode } from '../errors/index.js';

// Metric labels must stay a small set: only our own codes are reported as themselves.
const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

export interface OperationInfo {
  /** `query`, `mutation` or `subscription`; `unknown` when the document names no such operation. */
  readonly type: string;
  /** The operation's name, or its first root field when it is anonymous (`sendMessage`). */
  readonly name: string | undefined;
  /** The first root field (`messageAdded`): what a subscription subscribes to. */
  readonly field: string | undefined;
}

/** What an executed document is, for logs and metric labels (bounded: schema names, never values). */
export const operationInfo = (document: DocumentNode, operationName?: string | null): OperationInfo => {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { type: 'unknown', name: undefined, field: undefined };
  const first = operation.selectionSet.selections[0];
  const field = first?.kind === Kind.FIELD ? first.name.value : undefined;
  return { type: operation.operation, name: operation.name?.value ?? field, field };
};

/** `ok`, or the first error's code; anything that is not one of ours is reported as the mask shows it. */
export const outcomeOf = (result: ExecutionResult): string => {
  const first = result.errors?.[0];
  if (!first) return 'ok';
  const code = first.extensions?.['code'];
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : ErrorCode.InternalServerError;
};
