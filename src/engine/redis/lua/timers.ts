// KEYS: timers, timerIds, due, timersIndexed. ARGV: timerId, timer JSON, dueAt ('' for none),
// maxActive, channel, event JSON. Returns 0 at the limit, 1 when stored, 2 when stored and the room must
// be (re)added to the global timer index.
export const CREATE_TIMER = `
local active = 0
for _, raw in ipairs(redis.call('HVALS', KEYS[1])) do
  local status = cjson.decode(raw)['status']
  if status == 'RUNNING' or status == 'PAUSED' then active = active + 1 end
end
if active >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[1])
local result = 1
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
  if redis.call('SET', KEYS[4], '1', 'NX') then result = 2 end
end
redis.call('PUBLISH', ARGV[5], ARGV[6])
return result
`;

// KEYS: timers, due, timersIndexed. ARGV: timerId, expected version, next JSON, dueAt ('' to clear),
// channel, event JSON. Compare-and-set on version: 0 when someone else moved first (nothing changes),
// 1 when applied, 2 when applied and the room must be (re)added to the global timer index.
export const TRANSITION_TIMER = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
if tostring(cjson.decode(raw)['version']) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
local result = 1
if ARGV[4] == '' then
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
  if redis.call('SET', KEYS[3], '1', 'NX') then result = 2 end
end
redis.call('PUBLISH', ARGV[5], ARGV[6])
return result
`;

// KEYS: due, timersIndexed. Drops the room's index flag when it has nothing due; 1 when dropped.
export const UNINDEX_IF_IDLE = `
if redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
`;
