import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { badInput } from '../../errors/index.js';
import { isCleanText } from '../../lib/clean-text.js';
import { createInputCheck } from '../well-formed-input.js';

/** The request's parameters, as yoga (HTTP, SSE) and our graphql-ws adapter both put them in the context. */
const paramsOf = (context: unknown): { variables?: unknown; operationName?: unknown } => {
  if (typeof context !== 'object' || context === null || !('params' in context)) return {};
  const { params } = context;
  return typeof params === 'object' && params !== null ? params : {};
};

/**
 * Refuses, with BAD_USER_INPUT, an operation with a string that is not clean text (a lone surrogate, a
 * NUL) anywhere, or an id or key with a control character (well-formed-input.ts), before any resolver
 * runs: nothing is stored and no seq is taken.
 *
 * It hooks parsing because parsing is the one step every transport shares: graphql-ws subscriptions are
 * executed outside yoga's execute and subscribe (direct-subscriptions.ts), but are parsed through it.
 * The refusal is thrown, not set as the parse result: yoga's parse cache would keep a result, and the
 * same document with clean variables must still pass.
 */
export const useWellFormedStrings = (schema: GraphQLSchema): Plugin => {
  const check = createInputCheck(schema);
  return {
    onParse: ({ params: { source } }) => {
      // A lone surrogate in the document itself: graphql-js would call it a syntax error.
      if (!isCleanText(typeof source === 'string' ? source : source.body)) throw badInput('The document must be well-formed Unicode without NUL characters');
      return ({ result, context }) => {
        if (result === null || result instanceof Error) return;
        const { variables, operationName } = paramsOf(context);
        if (typeof operationName === 'string' && !isCleanText(operationName)) throw badInput('operationName must be well-formed Unicode without NUL characters');
        const refusal = check(result, variables);
        if (refusal) throw badInput(refusal.message, refusal.variable === undefined ? {} : { variable: refusal.variable });
      };
    },
  };
};
