/**
 * Which requests are answered as GraphQL over SSE. yoga picks its result format from the `Accept` header
 * (graphql-yoga 5 `plugins/result-processor/accept.js`): media types in any order, those with a charset
 * other than utf-8 ignored, wildcards matching. A subscription's stream is served as SSE whenever one of
 * them matches `text/event-stream` (no other format can carry a stream here: the schema has no
 * `@defer`/`@stream`, so `multipart/mixed` never applies). The same rule here, so that the SSE plugins
 * act on exactly the responses yoga writes as SSE.
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
