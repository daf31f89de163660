// Delete one batch of change records older than $keep_s seconds (a projection further behind reads
// the whole graph again); how many.
MATCH (c:Change)
WHERE c.at < datetime() - duration({seconds: $keep_s})
WITH c LIMIT $limit
DELETE c
RETURN count(*) AS deleted
