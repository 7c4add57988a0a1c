// KEYS: receipts. ARGV: userId, seq, receipt JSON, channel. Forward only: {moved (0/1), current JSON}.
export const ADVANCE_RECEIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and tonumber(cjson.decode(current)['seq']) >= tonumber(ARGV[2]) then return {0, current} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], '{"kind":"receipt","receipt":' .. ARGV[3] .. '}')
return {1, ARGV[3]}
`;
