import type { Plugin } from 'graphql-yoga';
import { queryTokenVerdict } from '../../auth/access-token.js';
import { codedErrorResponse, ErrorCode } from '../../errors/index.js';

/**
 * Refuses, with 400 BAD_REQUEST, every request that carries `access_token` where it may not (any path, any
 * method: auth/access-token.ts). The context factory takes the token from the URL in the one case allowed.
 */
export const useAccessToken = (): Plugin => ({
  onRequest: ({ request, endResponse, fetchAPI }) => {
    const verdict = queryTokenVerdict(request);
    if (verdict.kind !== 'refused') return;
    endResponse(
      new fetchAPI.Response(JSON.stringify(codedErrorResponse(ErrorCode.BadRequest, verdict.reason)), {
        status: 400,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      }),
    );
  },
});
