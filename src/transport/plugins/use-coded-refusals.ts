import type { Plugin } from 'graphql-yoga';
import { codedErrorResponse, ErrorCode } from '../../errors/index.js';

// yoga answers these two without a body: no parser for the request's Content-Type, and no result format
// the Accept header allows. Every other refusal of yoga's already carries a coded GraphQL error.
const MESSAGES: ReadonlyMap<number, string> = new Map([
  [415, 'Unsupported Content-Type: send application/json (or GET with query parameters)'],
  [406, 'No acceptable response format: accept application/graphql-response+json, application/json or text/event-stream'],
]);

/** Gives yoga's bodyless refusals a JSON body with a coded error, like every other error of the API. */
export const useCodedRefusals = (): Plugin => ({
  onResponse: ({ response, setResponse, fetchAPI }) => {
    const message = MESSAGES.get(response.status);
    if (message === undefined || response.body !== null) return;
    const headers = new fetchAPI.Headers(response.headers);
    headers.set('content-type', 'application/json; charset=utf-8');
    const body = JSON.stringify(codedErrorResponse(ErrorCode.BadRequest, message));
    setResponse(new fetchAPI.Response(body, { status: response.status, statusText: response.statusText, headers }));
  },
});
