// Skills with the given $ids, as whole records (for a merge import to lay its fields over).
MATCH (k:Skill)
WHERE k.id IN $ids
OPTIONAL MATCH (k)-[:OF_SUBSECTOR]->(s:Subsector)
RETURN k.id AS id, k.name AS name, s.id AS subsector
ORDER BY id
