// Introductions filtered by ids, member, status; newest first is left to the caller.
MATCH (x:Introduction)
MATCH (x)-[:INTRODUCES {side: 'a'}]->(a:Party)
MATCH (x)-[:INTRODUCES {side: 'b'}]->(b:Party)
WHERE ($ids IS NULL OR x.id IN $ids)
  AND ($member IS NULL OR a.id = $member OR b.id = $member)
  AND ($statuses IS NULL OR x.status IN $statuses)
RETURN x.id AS id, a.id AS a, b.id AS b, x.facilitator AS facilitator, x.date AS date,
       x.status AS status, x.outcome AS outcome, x.updated AS updated
ORDER BY id
