// Adamic-Adar in plain Cypher, a baseline of bench/side_by_side.py: the members two ties away from
// the member, not tied to it yet, scored by the sum over the shared contacts z of 1 / ln(degree(z))
// (knows and collaborated ties, either direction; the degree counts distinct neighbours).
MATCH (m:Member {id: $id})-[:KNOWS|COLLABORATED]-(z:Party)
WITH DISTINCT m, z
MATCH (z)-[:KNOWS|COLLABORATED]-(c:Member)
WHERE c <> m AND NOT EXISTS { (m)-[:KNOWS|COLLABORATED]-(c) }
WITH DISTINCT c, z
WITH c, z, COUNT { MATCH (z)-[:KNOWS|COLLABORATED]-(n:Party) RETURN DISTINCT n } AS degree
WITH c, sum(1.0 / log(degree)) AS score
RETURN c.id AS id, score
ORDER BY score DESC, id
LIMIT $limit
