// "People you may know" in plain Cypher, a baseline of bench/side_by_side.py: the members two ties
// away from the member, not tied to it yet, ranked by how many contacts they share (knows and
// collaborated ties, either direction; any party, an organisation too, may be the shared contact).
MATCH (m:Member {id: $id})-[:KNOWS|COLLABORATED]-(z:Party)-[:KNOWS|COLLABORATED]-(c:Member)
WHERE c <> m AND NOT EXISTS { (m)-[:KNOWS|COLLABORATED]-(c) }
WITH c, count(DISTINCT z) AS score
RETURN c.id AS id, score
ORDER BY score DESC, id
LIMIT $limit
