// What `npm run token` prints. Into a pipe or `$(…)` only the token, so scripts capture exactly it; in a
// terminal, each thing to paste on its own line under what it is for.

export interface TokenOutputInput {
  token: string;
  /** The server's origin, e.g. http://127.0.0.1:4000, for the demo link. */
  origin: string;
  interactive: boolean;
}

export const tokenOutput = ({ token, origin, interactive }: TokenOutputInput): string => {
  if (!interactive) return `${token}\n`;
  return [
    "GraphiQL: paste this into the Headers tab",
    `{"Authorization": "Bearer ${token}"}`,
    '',
    'Demo: open this link (or paste the token below into its sign-in box)',
    `${origin}/demo/#token=${token}`,
    '',
    'The token alone (valid 7 days; `npm run -s token -- …` in a pipe prints just this)',
    token,
    '',
  ].join('\n');
};
