// Skills, optionally of one subsector ($subsector) or only cross-cutting ones ($cross_cutting).
MATCH (k:Skill)
OPTIONAL MATCH (k)-[:OF_SUBSECTOR]->(s:Subsector)
WITH k, s
WHERE ($subsector IS NULL OR s.id = $subsector)
  AND ($cross_cutting IS NULL OR k.cross_cutting = $cross_cutting)
RETURN k.id AS id, k.name AS name, s.id AS subsector,
       COUNT { (:Member)-[:HAS_SKILL]->(k) } AS members
ORDER BY id
