// KEYS: users, names, connections(user), presenceIndexed, alive. ARGV: userId, userName, connectionId,
// expiresAt. Returns {cameOnline (0/1), mustIndex (0/1)}. Users are scored 1, 2, 3 … in the order they
// came online.
export const PRESENCE_CONNECT = `
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
redis.call('ZADD', KEYS[5], 'GT', ARGV[4], ARGV[1])
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

// KEYS: alive, then connections(user) for each connection (a user's key repeats for each of their
// connections). ARGV: expiresAt, then connectionId and userId for each connection key, in order. Renews
// what this instance holds in one room in one step; a connection that already ended (or was swept) is
// not brought back.
export const PRESENCE_RENEW = `
local renewed = {}
for i = 2, #KEYS do
  -- XX: only connections that still exist; CH: 1 when it was there and its expiry moved.
  if redis.call('ZADD', KEYS[i], 'XX', 'CH', ARGV[1], ARGV[(i - 1) * 2]) == 1 then
    renewed[ARGV[(i - 1) * 2 + 1]] = true
  end
end
for userId in pairs(renewed) do
  redis.call('ZADD', KEYS[1], 'GT', ARGV[1], userId)
end
return #KEYS - 1
`;

// KEYS: connections(user), alive. ARGV: connectionId, nowMs, userId. The connection ends now (its score
// becomes now); when it was the user's last live one, the user is alive only until now. 1 in that case.
export const PRESENCE_DISCONNECT = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
if redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[2], '+inf') == 0 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0
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

// KEYS: users, names, typing, typingNames, presenceIndexed, alive. ARGV: nowMs, graceMs, channel, roomId,
// connection key prefix. For connections whose instance died (no heartbeat): users not known alive for
// graceMs go offline; typing indicators past their expiry end. Only stale users are visited (by the alive
// set), so a busy room costs one range read. Each change is published here, once. Returns how much state
// is left (0: the room can leave the sweep index).
export const PRESENCE_SWEEP = `
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
for _, userId in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', '(' .. (now - grace))) do
  local connections = ARGV[5] .. userId
  local live = redis.call('ZRANGEBYSCORE', connections, '(' .. ARGV[1], '+inf', 'WITHSCORES')
  if #live > 0 then
    redis.call('ZADD', KEYS[6], 'GT', live[#live], userId)
  else
    redis.call('ZREM', KEYS[6], userId)
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
local left = redis.call('ZCARD', KEYS[1]) + redis.call('HLEN', KEYS[3])
if left == 0 then redis.call('DEL', KEYS[5]) end
return left
`;
