// A successful introduction becomes a knows tie (or strengthens an existing one).
MATCH (a:Party {id: $a})
MATCH (b:Party {id: $b})
MERGE (a)-[r:KNOWS]-(b)
ON CREATE SET r.strength = $strength, r.since = $since, r.confirmed = true, r.introduction = $introduction
ON MATCH SET r.strength = CASE WHEN r.strength < $strength THEN $strength ELSE r.strength END
