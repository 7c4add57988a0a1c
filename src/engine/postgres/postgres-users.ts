import type { UserRecord, UserStore } from '../types.js';
import type { Queryable } from './postgres-pool.js';

interface UserRow {
  id: string;
  name: string;
}

export const createPostgresUserStore = (db: Queryable): UserStore => ({
  async remember(user) {
    // Every request remembers its user: skip the write (and its dead row) when the name is unchanged.
    await db.query({
      name: 'roomcast-users-remember',
      text: `INSERT INTO users (id, name) VALUES ($1, $2)
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE users.name IS DISTINCT FROM EXCLUDED.name`,
      values: [user.id, user.name],
    });
  },
  async getMany(ids) {
    const found = new Map<string, UserRecord>();
    if (ids.length === 0) return found;
    const { rows } = await db.query<UserRow>({
      name: 'roomcast-users-get-many',
      text: 'SELECT id, name FROM users WHERE id = ANY($1::text[])',
      values: [ids],
    });
    for (const row of rows) found.set(row.id, Object.freeze({ id: row.id, name: row.name }));
    return found;
  },
});
