// KEYS: typing, typingNames, presenceIndexed. ARGV: userId, userName, expiresAt. Returns
// {started (0/1), mustIndex (0/1)}.
export const TYPING_START = `
local started = 0
if redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) == 1 then started = 1 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local mustIndex = 0
if redis.call('SET', KEYS[3], '1', 'NX') then mustIndex = 1 end
return {started, mustIndex}
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
