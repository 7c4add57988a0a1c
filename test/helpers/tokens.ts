import { signToken } from '../../src/auth/jwt.js';

/** The secret every test server is started with. */
export const TEST_SECRET = 'roomcast-test-secret-0123456789';

export const tokenFor = (userId: string, name?: string, expiresInSec = 3_600): Promise<string> =>
  signToken({ secret: TEST_SECRET, userId, name, expiresInSec });
