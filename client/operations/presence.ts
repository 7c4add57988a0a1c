import { graphql } from '../generated/index.js';

export const setTypingMutation = graphql(`
  mutation SetTyping($roomId: ID!, $typing: Boolean!) {
    setTyping(roomId: $roomId, typing: $typing)
  }
`);

export const typingSubscription = graphql(`
  subscription Typing($roomId: ID!) {
    typing(roomId: $roomId) { roomId typing user { id name } }
  }
`);

export const presenceSubscription = graphql(`
  subscription Presence($roomId: ID!) {
    presence(roomId: $roomId) { roomId online user { id name } }
  }
`);
