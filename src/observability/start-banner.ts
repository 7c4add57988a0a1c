// What a person who ran `npm start` needs to see once the server is up: where GraphiQL and the demo are,
// how to get a token, and how to move the port. Written only to a terminal; logs stay JSON.

export interface StartBannerInput {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  graphqlUrl: string;
  engine: string;
  /** Whether examples/quiz-room/dist/ exists, i.e. /demo has something to serve. */
  demoBuilt: boolean;
}

export const startBanner = ({ graphqlUrl, engine, demoBuilt }: StartBannerInput): string => {
  const origin = new URL(graphqlUrl).origin;
  const demo = demoBuilt ? `${origin}/demo/` : `${origin}/demo/ (build it first: npm run demo:build)`;
  return [
    '',
    `Roomcast is running on ${origin} (engine: ${engine}). Set PORT to use another port.`,
    `  GraphiQL  ${graphqlUrl}  (open it in a browser; ${origin}/ leads there too)`,
    `  Demo      ${demo}`,
    '  Token     npm run token -- alice "Alice"  (prints the header to paste into GraphiQL\'s Headers tab)',
    '  Stop      Ctrl+C',
    '',
    '',
  ].join('\n');
};

/** The one line a port already taken gets, instead of a stack trace. */
export const addressInUseMessage = (host: string, port: number): string =>
  `roomcast: port ${port} on ${host} is already in use. Stop whatever holds it, or start on another port: PORT=${port + 1} npm start (PORT=0 picks a free one).\n`;

export const isAddressInUse = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === 'EADDRINUSE';
