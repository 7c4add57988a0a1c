import { useGraphQlJit } from '@envelop/graphql-jit';
import { Kind, type DocumentNode, type ExecutionArgs } from 'graphql';
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
export const useJit = (trustedTexts: ReadonlySet<string>): Plugin => {
  const decided = new WeakMap<DocumentNode, boolean>();
  const enableIf = (args: ExecutionArgs): boolean => {
    const { document } = args;
    let hot = decided.get(document);
    if (hot === undefined) {
      const text = document.loc?.source.body;
      hot = text !== undefined && trustedTexts.has(text) && singleQueryOrMutation(document);
      decided.set(document, hot);
    }
    return hot;
  };
  // envelop's Plugin and yoga's share these hooks; yoga's type adds HTTP ones this plugin does not use.
  return useGraphQlJit({}, { enableIf }) as Plugin;
};
