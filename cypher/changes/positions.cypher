// The last number taken by each change shard.
MATCH (s:ChangeShard)
RETURN s.id AS shard, s.n AS n
ORDER BY shard
