/** An API key's view of rooms: exactly the rooms it names, private ones included, and no others. */
export interface KeyGrant {
  /** What the key acts as (`key:<id>`). */
  readonly viewerId: string;
  readonly roomIds: ReadonlySet<string>;
}

/** Whose view of rooms a read takes: a user (by id; public rooms and their own private ones) or a key's grant. */
export type Viewer = string | KeyGrant;

export const viewerIdOf = (viewer: Viewer): string => (typeof viewer === 'string' ? viewer : viewer.viewerId);
