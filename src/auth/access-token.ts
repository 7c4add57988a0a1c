/** RFC 6750 §2.3: the bearer token as a URI query parameter. */
export const ACCESS_TOKEN_PARAM = 'access_token';

// A browser's EventSource sends exactly this Accept (and can send no header of its own).
const isEventSourceRequest = (request: Request): boolean =>
  request.method === 'GET' &&
  (request.headers.get('accept') ?? '')
    .split(',')
    .some((entry) => entry.split(';')[0]?.trim().toLowerCase() === 'text/event-stream');

const accessTokenOf = (url: string): string | null => {
  const query = url.indexOf('?');
  return query === -1 ? null : new URLSearchParams(url.slice(query + 1)).get(ACCESS_TOKEN_PARAM);
};

export type QueryTokenVerdict =
  /** No `access_token`: the Authorization header, if any, is the credential. */
  | { kind: 'none' }
  /** An EventSource's stream: `access_token` is the credential. */
  | { kind: 'accepted'; authorization: string }
  /** `access_token` where it may not be: the request is refused (never served with or without it). */
  | { kind: 'refused'; reason: string };

/**
 * Where a token may ride in the URL (CONTRACT.md "SSE"): only on a GET that asks for `text/event-stream`
 * (an `EventSource`, which cannot send headers), and not beside an Authorization header (RFC 6750 allows
 * one method per request). A URL is logged, cached and kept in browser history in more places than a
 * header, so anywhere else the request is refused rather than the parameter ignored: a client that puts
 * its token there learns at once, not after it has leaked for months.
 */
export const queryTokenVerdict = (request: Request): QueryTokenVerdict => {
  const token = accessTokenOf(request.url);
  if (token === null) return { kind: 'none' };
  if (!isEventSourceRequest(request)) {
    return { kind: 'refused', reason: `\`${ACCESS_TOKEN_PARAM}\` is accepted only on GET with Accept: text/event-stream (a browser EventSource); send Authorization: Bearer <token> instead` };
  }
  if (request.headers.has('authorization')) {
    return { kind: 'refused', reason: `Send the token in Authorization or in \`${ACCESS_TOKEN_PARAM}\`, not both` };
  }
  return { kind: 'accepted', authorization: `Bearer ${token}` };
};

/** The `Authorization` value a request proves itself with: its header, or an EventSource's `access_token`. */
export const authorizationOf = (request: Request): string | null => {
  const verdict = queryTokenVerdict(request);
  return verdict.kind === 'accepted' ? verdict.authorization : request.headers.get('authorization');
};
