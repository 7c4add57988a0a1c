// One connection an instance holds, as `<byte length of userId>:<userId><connectionId>`. A separator
// alone would be ambiguous: a user id may contain any separator character.
const HELD_ENTRY = `local function heldEntry(userId, connectionId) return #userId .. ':' .. userId .. connectionId end
`;

// KEYS: users, names, connections(user), alive, heldBy(instance). ARGV: userId, userName, connectionId.
// A live connection is scored +inf: it lasts until it is disconnected or its instance is found dead.
// Returns 1 when the user came online. Users are scored 1, 2, 3 … in the order they came online.
export const PRESENCE_CONNECT = `${HELD_ENTRY}
redis.call('ZADD', KEYS[3], '+inf', ARGV[3])
redis.call('ZADD', KEYS[4], '+inf', ARGV[1])
redis.call('SADD', KEYS[5], heldEntry(ARGV[1], ARGV[3]))
local cameOnline = 0
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  local last = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local order = 1
  if #last == 2 then order = tonumber(last[2]) + 1 end
  redis.call('ZADD', KEYS[1], order, ARGV[1])
  cameOnline = 1
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return cameOnline
`;

// KEYS: connections(user), alive, heldBy(instance). ARGV: connectionId, nowMs, userId. The connection
// ends now (its score becomes now); when it was the user's last live one, the user is alive only until
// now, and this returns 1.
export const PRESENCE_DISCONNECT = `${HELD_ENTRY}
redis.call('SREM', KEYS[3], heldEntry(ARGV[3], ARGV[1]))
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
if redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[2], '+inf') == 0 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0
`;

// KEYS: alive, heldBy(dead instance). ARGV: nowMs, connection key prefix. Ends, as of now, every
// connection a dead instance held in this room; users left without a live connection start their grace
// period (the sweep takes them offline). Idempotent: the instance's list is deleted.
// Entries an older version wrote (user id, newline, connection id; no length prefix) are still read, so
// that an upgrade ends what an older instance held.
export const PRESENCE_END_INSTANCE = `
for _, held in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local userId, connectionId
  local length, rest = string.match(held, '^(%d+):(.*)$')
  if length then
    userId = string.sub(rest, 1, tonumber(length))
    connectionId = string.sub(rest, tonumber(length) + 1)
  else
    local cut = string.find(held, '\\n', 1, true)
    userId = string.sub(held, 1, cut - 1)
    connectionId = string.sub(held, cut + 1)
  end
  local connections = ARGV[2] .. userId
  redis.call('ZADD', connections, 'XX', ARGV[1], connectionId)
  if redis.call('ZCOUNT', connections, '(' .. ARGV[1], '+inf') == 0 then
    redis.call('ZADD', KEYS[1], ARGV[1], userId)
  end
end
redis.call('DEL', KEYS[2])
return 1
`;

// KEYS: users, names, connections(user), alive. ARGV: userId, nowMs. Ends the grace period: offline (1)
// only if the user is still listed and has no live connection.
export const PRESENCE_EXPIRE = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
if redis.call('ZCOUNT', KEYS[3], '(' .. ARGV[2], '+inf') > 0 then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return 1
`;

// KEYS: users, names, typing, typingNames, alive. ARGV: nowMs, graceMs, channel, roomId, connection key
// prefix. For connections whose instance died (no heartbeat) or whose grace timer died with its process:
// users not known alive for graceMs go offline; typing indicators past their expiry end. Only stale users
// are visited (by the alive set), so a busy room costs one range read. Each change is published here,
// once. Returns when the room's next sweep is due (epoch ms), or -1 when nothing is left to expire.
export const PRESENCE_SWEEP = `
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
for _, userId in ipairs(redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', '(' .. (now - grace))) do
  local connections = ARGV[5] .. userId
  local live = redis.call('ZRANGEBYSCORE', connections, '(' .. ARGV[1], '+inf', 'WITHSCORES')
  if #live > 0 then
    redis.call('ZADD', KEYS[5], 'GT', live[#live], userId)
  else
    redis.call('ZREM', KEYS[5], userId)
    if redis.call('ZSCORE', KEYS[1], userId) then
      local name = redis.call('HGET', KEYS[2], userId) or userId
      redis.call('ZREM', KEYS[1], userId)
      redis.call('HDEL', KEYS[2], userId)
      redis.call('DEL', connections)
      redis.call('PUBLISH', ARGV[3], cjson.encode({kind = 'presence', roomId = ARGV[4], userId = userId, userName = name, online = false}))
    end
  end
end
local typing = redis.call('HGETALL', KEYS[3])
for i = 1, #typing, 2 do
  if tonumber(typing[i + 1]) <= now then
    local name = redis.call('HGET', KEYS[4], typing[i]) or typing[i]
    redis.call('HDEL', KEYS[3], typing[i])
    redis.call('HDEL', KEYS[4], typing[i])
    redis.call('PUBLISH', ARGV[3], cjson.encode({kind = 'typing', roomId = ARGV[4], userId = typing[i], userName = name, typing = false}))
  end
end
local nextDue = -1
local stale = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', '(+inf', 'WITHSCORES', 'LIMIT', 0, 1)
if #stale == 2 then nextDue = tonumber(stale[2]) + grace end
typing = redis.call('HGETALL', KEYS[3])
for i = 2, #typing, 2 do
  local expiresAt = tonumber(typing[i])
  if nextDue < 0 or expiresAt < nextDue then nextDue = expiresAt end
end
return nextDue
`;

// The global due index (KEYS[1]): room -> when its sweep is due. A room is in it only while something in
// it may expire (a user in grace, a typing indicator), so a sweep visits due rooms, not every room with
// presence. Index scripts touch only the index key (a room's script cannot: another cluster slot).

// ARGV: roomId, dueAt, nowMs. Due at dueAt unless it is due earlier already. An entry already due (at or
// before now: perhaps being swept this very moment) stays due but is stamped now, later than the sweep's
// start, so that the sweep settling it keeps it for the next round instead of dropping what was
// scheduled meanwhile; it is never pushed past now, so churn cannot starve a due room.
export const DUE_SCHEDULE = `
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
local dueAt = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not current then
  redis.call('ZADD', KEYS[1], dueAt, ARGV[1])
elseif tonumber(current) <= now then
  redis.call('ZADD', KEYS[1], math.min(dueAt, now), ARGV[1])
elseif dueAt < tonumber(current) then
  redis.call('ZADD', KEYS[1], dueAt, ARGV[1])
end
return 1
`;

// ARGV: roomId, nextDue (-1: nothing left), sweptAt. After a sweep that began at sweptAt: when nothing was
// scheduled meanwhile (the entry is still at or before sweptAt), the room is due at nextDue, or leaves the
// index; otherwise the earlier of the two stays.
export const DUE_SETTLE = `
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
local nextDue = tonumber(ARGV[2])
if current and tonumber(current) > tonumber(ARGV[3]) then
  if nextDue >= 0 and nextDue < tonumber(current) then redis.call('ZADD', KEYS[1], nextDue, ARGV[1]) end
elseif nextDue >= 0 then
  redis.call('ZADD', KEYS[1], nextDue, ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 1
`;
