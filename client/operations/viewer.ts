import { graphql } from '../generated/index.js';

export const ViewerDocument = graphql(`
  query Viewer {
    viewer { id name }
    serverTime
  }
`);
