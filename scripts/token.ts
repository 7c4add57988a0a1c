// Mints a development token: `npm run token -- <userId> [name]`.
// Uses JWT_SECRET from the environment, or the development default the server also falls back to.
import { loadConfig } from '../src/config/config.js';
import { signToken } from '../src/auth/jwt.js';
import { tokenOutput } from './token-output.js';

const [userId, name] = process.argv.slice(2);
if (!userId) {
  console.error('usage: npm run token -- <userId> [name]');
  process.exit(2);
}
const config = loadConfig(process.env);
const token = await signToken({ secret: config.jwtSecret, userId, name, expiresInSec: 7 * 24 * 3600 });
const origin = `http://${config.host}:${config.port}`;
process.stdout.write(tokenOutput({ token, origin, interactive: process.stdout.isTTY === true }));
