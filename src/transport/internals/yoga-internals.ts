/**
 * What Roomcast relies on in graphql-yoga (pinned: 5.24.1) beyond its documented API: how its SSE writer
 * (`plugins/result-processor/sse.js`, `getSSEProcessor`) formats events, and how it picks SSE from the
 * Accept header (`plugins/result-processor/accept.js`). Guarded by test/unit/library-internals.test.ts
 * (docs/architecture.md "Library internals we rely on").
 */

/** How yoga's SSE writer starts the event of each result: `event: next\n`, then `data: <json>\n\n`. */
export const SSE_NEXT_EVENT_START = 'event: next\n';
/**
 * How every one of yoga's SSE events and keep-alive comments ends. Its `data:` is one line of JSON, so
 * an event holds no blank line and a blank line is always an event's end.
 */
export const SSE_EVENT_END = '\n\n';

/**
 * Which requests yoga answers as GraphQL over SSE. yoga picks its result format from the `Accept` header:
 * media types in any order, those with a charset other than utf-8 ignored, wildcards matching. A
 * subscription's stream is served as SSE whenever one of them matches `text/event-stream` (no other
 * format can carry a stream here: the schema has no `@defer`/`@stream`, so `multipart/mixed` never
 * applies). The same rule here, so that the SSE plugins act on exactly the responses yoga writes as SSE.
 */
export const acceptsEventStream = (request: Request): boolean =>
  mediaTypesOf(request).some((mediaType) => {
    const [type, subtype] = mediaType.split('/');
    return (type === '*' || type === 'text') && (subtype === '*' || subtype === 'event-stream');
  });

const mediaTypesOf = (request: Request): string[] =>
  (request.headers.get('accept') ?? '*/*')
    .replace(/\s/g, '')
    .toLowerCase()
    .split(',')
    .flatMap((entry) => {
      const [mediaType = '', ...params] = entry.split(';');
      const charset = params.find((param) => param.startsWith('charset='));
      return charset === undefined || charset === 'charset=utf-8' ? [mediaType] : [];
    });
