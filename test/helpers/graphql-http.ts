/** A GraphQL request over HTTP with real fetch. */
export const gql = async <T = Record<string, unknown>>(
  url: string,
  { query, variables, token, headers = {} }: { query: string; variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> },
): Promise<{ status: number; body: { data?: T | null; errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[] } }> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as never };
};

/** The data of a request that must succeed; throws with the errors otherwise. */
export const gqlData = async <T = Record<string, unknown>>(
  url: string,
  request: { query: string; variables?: Record<string, unknown>; token: string },
): Promise<T> => {
  const { body } = await gql<T>(url, request);
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
};

/** The first error code of a request that must fail. */
export const gqlErrorCode = async (url: string, request: { query: string; variables?: Record<string, unknown>; token?: string }) => {
  const { body } = await gql(url, request);
  return body.errors?.[0]?.extensions?.code;
};
