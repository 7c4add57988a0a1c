import { Kind, type ArgumentNode, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { acceptsEventStream } from '../internals/yoga-internals.js';
import { isFetchRequest } from './fetch-request.js';

/** The subscriptions that resume after a message cursor (their `after` argument). */
const RESUMABLE_FIELDS: ReadonlySet<string> = new Set(['messageAdded', 'roomEvents']);

const withAfter = (selectionSet: SelectionSetNode, cursor: string): SelectionSetNode => ({
  ...selectionSet,
  selections: selectionSet.selections.map((selection) => {
    if (selection.kind !== Kind.FIELD || !RESUMABLE_FIELDS.has(selection.name.value)) return selection;
    const after: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'after' }, value: { kind: Kind.STRING, value: cursor } };
    return { ...selection, arguments: [...(selection.arguments ?? []).filter((arg) => arg.name.value !== 'after'), after] };
  }),
});

/** The document with `after: "<cursor>"` on every resumable root field of its subscription operations. */
export const resumedAfter = (document: DocumentNode, cursor: string): DocumentNode => ({
  ...document,
  definitions: document.definitions.map((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'subscription'
      ? { ...definition, selectionSet: withAfter(definition.selectionSet, cursor) }
      : definition,
  ),
});

/**
 * An SSE request with a `Last-Event-ID` header resumes after that cursor, exactly as `after` would, and
 * the header wins over the document's `after` (a variable, a literal, or none): a browser's `EventSource`
 * reconnects with its original URL and the id of the last event it received (CONTRACT.md "SSE"). The
 * value is checked like any `after` (a cursor of another room is BAD_USER_INPUT, one too old
 * CURSOR_EXPIRED), because it is one. The document is changed after validation, so the literal replaces
 * a variable without the variable's type being checked again: `after` is a String either way.
 */
export const useLastEventId = (): Plugin => ({
  onSubscribe: ({ args, subscribeFn, setSubscribeFn }) => {
    const context = args.contextValue as { request?: unknown }; // yoga's context carries its Request
    const request = context.request;
    if (!isFetchRequest(request) || !acceptsEventStream(request)) return;
    const lastEventId = request.headers.get('last-event-id');
    if (lastEventId === null || lastEventId === '') return;
    const document = resumedAfter(args.document, lastEventId);
    setSubscribeFn((subscribeArgs) => subscribeFn({ ...subscribeArgs, document }));
  },
});
