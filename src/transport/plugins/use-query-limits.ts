import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface QueryLimits {
  maxQueryDepth: number;
  /** Depth allowed to documents that select `__schema` (at least graphql's standard introspection query's 21). */
  maxIntrospectionDepth: number;
  maxQueryTokens: number;
  maxQueryAliases: number;
}

/**
 * Bounds on what a document may cost, from graphql-armor: depth, tokens, aliases, directives and a
 * cost limit. Field suggestions ("did you mean …") are hidden outside development so the schema of a
 * private deployment cannot be guessed field by field.
 */
// Reported as ordinary validation errors (so they get GRAPHQL_VALIDATION_FAILED like any other), not
// thrown out of validation: armor's default throw would surface as an uncoded error.
const report = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

// Only the depth rule: armor enables each protection it is not told about.
const disabled = { enabled: false } as const;

export const useQueryLimits = (limits: QueryLimits, options: { exposeSuggestions: boolean }): Plugin => ({
  onPluginInit: ({ addPlugin }) => {
    addPlugin(
      // armor types its plugin with envelop's Plugin; yoga's Plugin extends the same hooks
      EnvelopArmorPlugin({
        // A `__schema` selection counts 0 here (armor's ignoreIntrospection): the standard introspection
        // query is 21 deep, which no ordinary document needs.
        maxDepth: { n: limits.maxQueryDepth, ignoreIntrospection: true, ...report },
        // Counted by the parser, so a refusal is a parse failure (GRAPHQL_PARSE_FAILED).
        maxTokens: { n: limits.maxQueryTokens },
        maxAliases: { n: limits.maxQueryAliases, ...report },
        maxDirectives: { n: 50, ...report },
        costLimit: { maxCost: 5_000, ...report },
        blockFieldSuggestion: { enabled: !options.exposeSuggestions },
      }) as Plugin,
    );
    addPlugin(
      // The same rule again, counting `__schema` selections too: introspection is bounded, only higher.
      EnvelopArmorPlugin({
        maxDepth: { n: Math.max(limits.maxIntrospectionDepth, limits.maxQueryDepth), ignoreIntrospection: false, ...report },
        maxTokens: disabled,
        maxAliases: disabled,
        maxDirectives: disabled,
        costLimit: disabled,
        blockFieldSuggestion: disabled,
      }) as Plugin,
    );
  },
});
