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
  /**
   * The variable the first root field's `after` argument takes (`$after`, `$a` …), when it takes one: it
   * only shapes a subscription's replay, never the payload of a live event.
   */
  readonly cursorVariable: string | undefined;
}

const describe = (document: DocumentNode, operationName: string | null | undefined): OperationInfo => {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { type: 'unknown', name: undefined, field: undefined, cursorVariable: undefined };
  const first = operation.selectionSet.selections[0];
  const field = first?.kind === Kind.FIELD ? first.name.value : undefined;
  const after = first?.kind === Kind.FIELD ? first.arguments?.find((argument) => argument.name.value === 'after')?.value : undefined;
  const cursorVariable = after?.kind === Kind.VARIABLE ? after.name.value : undefined;
  return { type: operation.operation, name: operation.name?.value ?? field, field, cursorVariable };
};

// Every operation is described by the request log, the operation metrics and graphql-ws: yoga's parser
// cache hands out one document object per query text, so each is worked out once, not per operation.
const described = new WeakMap<DocumentNode, Map<string | null, OperationInfo>>();

/** What an executed document is, for logs and metric labels (bounded: schema names, never values). */
export const operationInfo = (document: DocumentNode, operationName?: string | null): OperationInfo => {
  let byName = described.get(document);
  if (!byName) described.set(document, (byName = new Map()));
  // null (the document's only operation) and "" (an operation named so) are different questions.
  const key = operationName ?? null;
  const known = byName.get(key);
  if (known) return known;
  const info = describe(document, operationName);
  // Only names the document really has are kept: a client varying unknown names cannot grow the map.
  if (info.type !== 'unknown') byName.set(key, info);
  return info;
};

/** `ok`, or the first error's code; anything that is not one of ours is reported as the mask shows it. */
export const outcomeOf = (result: ExecutionResult): string => {
  const first = result.errors?.[0];
  if (!first) return 'ok';
  const code = first.extensions?.['code'];
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : ErrorCode.InternalServerError;
};
