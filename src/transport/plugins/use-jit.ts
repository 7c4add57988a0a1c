import { useGraphQlJit } from '@envelop/graphql-jit';
import { GraphQLError, Kind, type DocumentNode, type ExecutionArgs, type ExecutionResult, type Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The document's only operation is a query or a mutation. */
const singleQueryOrMutation = (document: DocumentNode): boolean => {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  return operations.length === 1 && operations[0]?.operation !== 'subscription';
};

/**
 * Queries and mutations of the trusted documents (the codebase's own, use-trusted-documents.ts) run
 * compiled by graphql-jit; any other document (GraphiQL, ad-hoc) runs on graphql-js as before.
 *
 * Only documents with a single operation: @envelop/graphql-jit (11.2.1) caches one compiled query per
 * document whatever the operationName, which would run the wrong operation of a document with several.
 * Not subscriptions: their events over graphql-ws are executed by graphql-js anyway
 * (direct-subscriptions.ts), and SSE streams stay on the same path. A document is recognized by its text,
 * which yoga's parser cache maps to one DocumentNode; the decision is kept per node.
 */
/** Whether a parsed document runs on graphql-jit: one of the trusted texts, a single query or mutation. */
export const createJitSelector = (trustedTexts: ReadonlySet<string>): ((document: DocumentNode) => boolean) => {
  const decided = new WeakMap<DocumentNode, boolean>();
  return (document) => {
    let hot = decided.get(document);
    if (hot === undefined) {
      const text = document.loc?.source.body;
      hot = text !== undefined && trustedTexts.has(text) && singleQueryOrMutation(document);
      decided.set(document, hot);
    }
    return hot;
  };
};

/** The character offset of a 1-based line and column in a source. */
const positionOf = (body: string, { line, column }: { line: number; column: number }): number => {
  let offset = 0;
  for (let at = 1; at < line; at += 1) offset = body.indexOf('\n', offset) + 1;
  return offset + column - 1;
};

/**
 * A graphql-jit error as graphql-js's `locatedError` would have made it. graphql-jit's errors carry
 * `locations` alone, and yoga rebuilds every error from `nodes`, `source` and `positions` on its way
 * out (result-processor/stringify.js, and the mask for unexpected errors), which would drop them; and
 * their `extensions` is undefined, not `{}`, when they have none.
 */
const relocated = (error: GraphQLError, source: Source): GraphQLError => {
  if (error.source) return error;
  const { locations } = error;
  return new GraphQLError(error.message, {
    ...(locations?.length ? { source, positions: locations.map((location) => positionOf(source.body, location)) } : {}),
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
};

export const useJit = (trustedTexts: ReadonlySet<string>): Plugin => {
  const isHot = createJitSelector(trustedTexts);
  const enableIf = (args: ExecutionArgs): boolean => isHot(args.document);
  return {
    onPluginInit: ({ addPlugin }) => {
      // envelop's Plugin and yoga's share these hooks; yoga's type adds HTTP ones this plugin does not use.
      addPlugin(useGraphQlJit({}, { enableIf }) as Plugin);
    },
    // Before useErrorCodes and yoga's mask (added after every plugin of ours), which read them.
    onExecute: ({ args, executeFn }) => {
      const source = args.document.loc?.source;
      if (!source || !isHot(args.document)) return;
      // The executor the JIT replaces (this plugin's hook runs before the one it adds).
      const stock = executeFn;
      return {
        onExecuteDone: ({ result, setResult }) => {
          if (Symbol.asyncIterator in result || !result.errors?.length) return;
          const single: ExecutionResult = result;
          // No `data`: the request never started, its variables were refused, and graphql-jit words that
          // differently. Nothing ran, so the stock executor gives the answer graphql-js would have given.
          if (!('data' in single)) return Promise.resolve(stock(args)).then((answer) => setResult(answer as ExecutionResult)); // a query or mutation: one result
          setResult({ ...single, errors: single.errors?.map((error) => relocated(error, source)) });
        },
      };
    },
  };
};
