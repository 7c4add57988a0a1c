import { graphql } from '../generated/index.js';

// Sent on the graphql-ws socket (not over HTTP): it renews the socket's own identity.
export const refreshAuthMutation = graphql(`
  mutation RefreshAuth($token: String!) {
    refreshAuth(token: $token) { id name }
  }
`);
