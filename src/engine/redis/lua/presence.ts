// KEYS: users, names, connections(user), presenceIndexed. ARGV: userId, userName, connectionId,
// expiresAt. Returns {cameOnline (0/1), mustIndex (0/1)}. Users are scored 1, 2, 3 … in the order they
// came online.
export const PRESENCE_CONNECT = `
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
local cameOnline = 0
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  local last = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local order = 1
  if #last == 2 then order = tonumber(last[2]) + 1 end
  redis.call('ZADD', KEYS[1], order, ARGV[1])
  cameOnline = 1
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local mustIndex = 0
if redis.call('SET', KEYS[4], '1', 'NX') then mustIndex = 1 end
return {cameOnline, mustIndex}
`;

// KEYS: connections(user) for each connection (a user's key repeats for each of their connections).
// ARGV: expiresAt, then the connection ids in KEYS order. Renews what this instance holds in one room in
// one step; a connection that already ended (or was swept) is not brought back.
export const PRESENCE_RENEW = `
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', ARGV[1], ARGV[i + 1])
end
return #KEYS
`;

// KEYS: connections(user). ARGV: connectionId, nowMs. The connection ends now (its score becomes now,
// so the sweeper knows when the user was last seen). 1 when the user has no live connection left.
export const PRESENCE_DISCONNECT = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
if redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[2], '+inf') == 0 then return 1 end
return 0
`;

// KEYS: users, names, connections(user). ARGV: userId, nowMs. Ends the grace period: offline (1) only if
// the user is still listed and has no live connection.
export const PRESENCE_EXPIRE = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
if redis.call('ZCOUNT', KEYS[3], '(' .. ARGV[2], '+inf') > 0 then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return 1
`;

// KEYS: users, names, typing, typingNames, presenceIndexed. ARGV: nowMs, graceMs, channel, roomId,
// connection key prefix. For connections whose instance died (no heartbeat): users whose every connection
// expired more than graceMs ago go offline; typing indicators past their expiry end. Each change is
// published here, once. Returns how much state is left (0: the room can leave the sweep index).
export const PRESENCE_SWEEP = `
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
for _, userId in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local connections = ARGV[5] .. userId
  if redis.call('ZCOUNT', connections, '(' .. ARGV[1], '+inf') == 0 then
    local last = redis.call('ZREVRANGE', connections, 0, 0, 'WITHSCORES')
    local lastSeen = 0
    if #last == 2 then lastSeen = tonumber(last[2]) end
    if now >= lastSeen + grace then
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
local left = redis.call('ZCARD', KEYS[1]) + redis.call('HLEN', KEYS[3])
if left == 0 then redis.call('DEL', KEYS[5]) end
return left
`;
