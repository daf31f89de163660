// Friend-of-friend resource allocation index computed in Cypher, as a baseline for the benchmark:
// score(m, c) = sum over common neighbours z of 1 / degree(z), on knows and collaborated ties.
MATCH (m:Member {id: $id})-[:KNOWS|COLLABORATED]-(z:Party)
WITH DISTINCT m, z
MATCH (z)-[:KNOWS|COLLABORATED]-(c:Member)
WHERE c <> m AND NOT EXISTS { (m)-[:KNOWS|COLLABORATED]-(c) }
WITH DISTINCT m, z, c
WITH c, z, COUNT { (z)-[:KNOWS|COLLABORATED]-(:Party) } AS degree
WITH c, sum(1.0 / degree) AS score
RETURN c.id AS id, score
ORDER BY score DESC, id
LIMIT $limit
