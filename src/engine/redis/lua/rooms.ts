// KEYS: meta. ARGV: userId, 'add' | 'remove'. Returns the updated room JSON, or nil if there is no room.
export const CHANGE_MEMBERSHIP = `
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local room = cjson.decode(raw)
local members = {}
local present = false
for _, id in ipairs(room['memberIds']) do
  if id == ARGV[1] then
    present = true
    if ARGV[2] == 'add' then table.insert(members, id) end
  else
    table.insert(members, id)
  end
end
if ARGV[2] == 'add' and not present then table.insert(members, ARGV[1]) end
if (ARGV[2] == 'add' and present) or (ARGV[2] == 'remove' and not present) then return raw end
room['memberIds'] = members
-- cjson would encode an empty array as {}; a room always keeps its owner, so members is never empty.
local encoded = cjson.encode(room)
redis.call('SET', KEYS[1], encoded)
return encoded
`;
