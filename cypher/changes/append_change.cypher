// Append the change record of this write transaction (run last in every write that changes the
// cluster): the next number of change shard $shard, and what changed as parallel lists ($kinds,
// $ids); returns the number taken. Writers that picked different shards do not wait for each other.
MERGE (s:ChangeShard {id: $shard})
SET s.n = coalesce(s.n, 0) + 1
CREATE (:Change {shard: $shard, n: s.n, at: datetime(), kinds: $kinds, ids: $ids})
RETURN s.n AS n
