// KEYS: typing, typingNames. ARGV: userId, userName, expiresAt. Returns 1 when the user started typing
// (0: an indicator they had was extended).
export const TYPING_START = `
local started = 0
if redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) == 1 then started = 1 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return started
`;

// KEYS: typing, typingNames. ARGV: userId, nowMs ('' to stop regardless of expiry). 1 when cleared.
export const TYPING_CLEAR = `
local expiresAt = redis.call('HGET', KEYS[1], ARGV[1])
if not expiresAt then return 0 end
if ARGV[2] ~= '' and tonumber(expiresAt) > tonumber(ARGV[2]) then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;
