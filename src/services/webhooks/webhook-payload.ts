import type { MessageRecord } from '../../engine/types.js';

/**
 * The body of a `message.created` delivery: the message as the GraphQL `Message` type shows it (times as
 * ISO-8601, the cursor to resume history after it).
 */
export const messageCreatedPayload = (message: MessageRecord, cursor: string): string =>
  JSON.stringify({
    type: 'message.created',
    timestamp: new Date(message.createdAt).toISOString(),
    data: {
      message: {
        id: message.id,
        roomId: message.roomId,
        seq: message.seq,
        cursor,
        author: { id: message.authorId, name: message.authorName },
        body: message.body,
        clientId: message.clientId,
        createdAt: new Date(message.createdAt).toISOString(),
      },
    },
  });
