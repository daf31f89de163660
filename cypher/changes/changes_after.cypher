// The change records after the numbers seen ($after: [{shard, n, until}]), up to `until` per shard,
// in number order.
UNWIND $after AS seen
MATCH (c:Change)
WHERE c.shard = seen.shard AND c.n > seen.n AND c.n <= seen.until
RETURN c.shard AS shard, c.n AS n, c.kinds AS kinds, c.ids AS ids
ORDER BY shard, n
