// Introductions filtered by ids, member and status, in id order.
MATCH (x:Introduction)
MATCH (x)-[:INTRODUCES {side: 'a'}]->(a:Party)
MATCH (x)-[:INTRODUCES {side: 'b'}]->(b:Party)
WHERE ($ids IS NULL OR x.id IN $ids)
  AND ($member IS NULL OR a.id = $member OR b.id = $member)
  AND ($statuses IS NULL OR x.status IN $statuses)
RETURN x.id AS id, a.id AS a, b.id AS b, x.facilitator AS facilitator, x.date AS date,
       x.status AS status, x.outcome AS outcome, x.a_response AS a_response, x.b_response AS b_response,
       x.accepted_on AS accepted_on, x.met_on AS met_on, x.closed_on AS closed_on, x.updated AS updated
ORDER BY id
