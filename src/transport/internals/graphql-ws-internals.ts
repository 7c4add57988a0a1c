/**
 * What Roomcast relies on in graphql-ws (pinned: 6.4.2) beyond its documented API; guarded by
 * test/unit/library-internals.test.ts (docs/architecture.md "Library internals we rely on").
 */

/**
 * Runs `then` once graphql-ws has written the `complete` of an operation whose `onComplete` hook is
 * running now. graphql-ws awaits the hook and then sends `complete` a few promise jobs later, all within
 * the same turn of the event loop, so one `setImmediate` comes after it.
 */
export const afterCompleteWritten = (then: () => void): void => {
  setImmediate(then);
};
