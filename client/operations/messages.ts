import { graphql } from '../generated/index.js';

export const messageFieldsFragment = graphql(`
  fragment MessageFields on Message {
    id
    roomId
    seq
    cursor
    author { id name }
    body
    clientId
    createdAt
  }
`);

export const sendMessageMutation = graphql(`
  mutation SendMessage($input: SendMessageInput!) {
    sendMessage(input: $input) { ...MessageFields }
  }
`);

export const messagesQuery = graphql(`
  query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { ...MessageFields } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

export const messageAddedSubscription = graphql(`
  subscription MessageAdded($roomId: ID!, $after: String) {
    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }
  }
`);

export const roomEventsSubscription = graphql(`
  subscription RoomEvents($roomId: ID!, $after: String) {
    roomEvents(roomId: $roomId, after: $after) {
      __typename
      ... on MessageAdded { message { ...MessageFields } }
      ... on TimerChanged { timer { ...TimerFields } }
      ... on PresenceChanged { event { online user { id name } } }
      ... on TypingChanged { event { typing user { id name } } }
    }
  }
`);
