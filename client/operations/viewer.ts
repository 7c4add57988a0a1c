import { graphql } from '../generated/index.js';

export const viewerQuery = graphql(`
  query Viewer {
    viewer { id name }
    serverTime
  }
`);
