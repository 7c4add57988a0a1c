/** The `extensions.code` of a GraphQL error as it arrived over the wire, if it has one. */
export const codeOf = (error: unknown): unknown => {
  if (typeof error !== 'object' || error === null || !('extensions' in error)) return undefined;
  const { extensions } = error;
  return typeof extensions === 'object' && extensions !== null && 'code' in extensions ? extensions.code : undefined;
};
