import { graphql } from '../generated/index.js';

// The reads a partner integration makes with an API key. They are trusted documents: the server knows
// them by hash (client/generated/persisted-documents.json), so a partner can GET a short, stable URL
// (docs/partners.md) that HTTP caches key on.

export const historyPageQuery = graphql(`
  query HistoryPage($roomId: ID!, $first: Int, $after: String) {
    messages(roomId: $roomId, first: $first, after: $after) {
      edges { cursor node { id seq author { id name } body createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const cursorAtQuery = graphql(`
  query CursorAt($roomId: ID!, $time: DateTime!) {
    room(id: $roomId) { id cursorAt(time: $time) }
  }
`);
