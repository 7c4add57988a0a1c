// A real fetch that records each GraphQL request's operation name and variables, and can make chosen
// requests fail as a network failure would: before they leave (the server never sees them) or after
// the server answered (the answer is lost), the two cases a client must retry the same way.
export interface RecordedRequest {
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

export type Failure = 'before-send' | 'lose-answer' | undefined;

export interface RecordingFetch {
  fetch: typeof fetch;
  requests: RecordedRequest[];
  /** Decides, per request, whether and how it fails. */
  failWhen(decide: (request: RecordedRequest) => Failure): void;
}

const parseBody = (body: unknown): RecordedRequest => {
  if (typeof body !== 'string') return { operationName: undefined, variables: {} };
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== 'object' || parsed === null) return { operationName: undefined, variables: {} };
  const operationName = 'operationName' in parsed && typeof parsed.operationName === 'string' ? parsed.operationName : undefined;
  const variables =
    'variables' in parsed && typeof parsed.variables === 'object' && parsed.variables !== null
      ? { ...parsed.variables }
      : {};
  return { operationName, variables };
};

/** `sendTo`: where requests really go (e.g. straight to the server while the socket uses a proxy). */
export const recordingFetch = (options: { sendTo?: string } = {}): RecordingFetch => {
  const requests: RecordedRequest[] = [];
  let decide: (request: RecordedRequest) => Failure = () => undefined;
  return {
    requests,
    failWhen(next) {
      decide = next;
    },
    fetch: async (input, init) => {
      const request = parseBody(init?.body);
      requests.push(request);
      const failure = decide(request);
      if (failure === 'before-send') throw new TypeError('fetch failed (test: network down before the request left)');
      const response = await fetch(options.sendTo ?? input, init);
      if (failure === 'lose-answer') {
        await response.arrayBuffer();
        throw new TypeError('fetch failed (test: the answer was lost)');
      }
      return response;
    },
  };
};
