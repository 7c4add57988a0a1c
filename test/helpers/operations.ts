// The few operations most end-to-end tests need, typed, over HTTP.
import { gqlData } from './graphql-http.js';
import { waitFor } from './wait-for.js';

export interface SentMessage {
  id: string;
  roomId: string;
  seq: number;
  cursor: string;
  body: string;
  clientId: string | null;
  author: { id: string; name: string };
}

export interface CreatedRoom {
  id: string;
  name: string;
  private: boolean;
  owner: { id: string };
  members: { id: string }[];
}

export const MESSAGE_FIELDS = 'id roomId seq cursor body clientId author { id name }';

export const createRoom = async (
  url: string,
  token: string,
  input: { name: string; private?: boolean; memberIds?: string[] },
): Promise<CreatedRoom> =>
  (
    await gqlData<{ createRoom: CreatedRoom }>(url, {
      token,
      query: 'mutation($i: CreateRoomInput!) { createRoom(input: $i) { id name private owner { id } members { id } } }',
      variables: { i: input },
    })
  ).createRoom;

export const sendMessage = async (
  url: string,
  token: string,
  input: { roomId: string; body: string; clientId?: string },
): Promise<SentMessage> =>
  (
    await gqlData<{ sendMessage: SentMessage }>(url, {
      token,
      query: `mutation($i: SendMessageInput!) { sendMessage(input: $i) { ${MESSAGE_FIELDS} } }`,
      variables: { i: input },
    })
  ).sendMessage;

/** The seqs of a room's whole history (up to 100 messages), oldest first. */
export const historySeqs = async (url: string, token: string, roomId: string): Promise<number[]> =>
  (
    await gqlData<{ messages: { edges: { node: { seq: number } }[] } }>(url, {
      token,
      query: 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { seq } } } }',
      variables: { r: roomId },
    })
  ).messages.edges.map((edge) => edge.node.seq);

/** `from`, `from + 1`, … `to`. */
export const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/**
 * A live-only subscription has no handshake to wait on: sends `body` into the room until `delivered()`
 * says it has arrived (then the subscription is live).
 */
export const sendUntilDelivered = async (
  url: string,
  token: string,
  roomId: string,
  delivered: () => boolean,
  { body = 'probe', what }: { body?: string; what: string },
): Promise<void> => {
  await waitFor(
    async () => {
      await sendMessage(url, token, { roomId, body });
      return delivered();
    },
    { timeoutMs: 5_000, intervalMs: 100, what },
  );
};
