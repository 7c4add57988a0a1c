import type { Plugin } from 'graphql-yoga';
import { paramsDepthRefusal } from '../params-depth.js';

/**
 * HTTP and SSE requests whose variables or extensions nest deeper than MAX_VARIABLES_DEPTH are answered 400
 * BAD_USER_INPUT before they are parsed, validated or logged (graphql-ws checks the same in its onSubscribe).
 */
export const useParamsDepth = (maxDepth: number): Plugin => ({
  onParams: ({ params, setResult }) => {
    // `http` is yoga's: it sets the status and is left out of the response body.
    const refusal = paramsDepthRefusal(params, maxDepth, { http: { status: 400 } });
    if (refusal) setResult({ errors: [refusal] });
  },
});
