// KEYS: seq, log, idem. ARGV: channel, idempotency key ('' for none), message JSON (no seq/id), roomId.
// Idempotency check, next seq, append and publish in one step: pub/sub order is seq order, even when
// several instances send into one room at once.
export const APPEND_MESSAGE = `
if ARGV[2] ~= '' then
  local existing = redis.call('HGET', KEYS[3], ARGV[2])
  if existing then
    local entries = redis.call('XRANGE', KEYS[2], existing .. '-1', existing .. '-1')
    if #entries > 0 then return {0, entries[1][2][2]} end
  end
end
local seq = redis.call('INCR', KEYS[1])
local message = cjson.decode(ARGV[3])
message['seq'] = seq
message['id'] = ARGV[4] .. '.' .. seq
local encoded = cjson.encode(message)
redis.call('XADD', KEYS[2], seq .. '-1', 'm', encoded)
if ARGV[2] ~= '' then redis.call('HSET', KEYS[3], ARGV[2], seq) end
redis.call('PUBLISH', ARGV[1], '{"kind":"message","message":' .. encoded .. '}')
return {1, encoded}
`;
