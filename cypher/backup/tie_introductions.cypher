// knows ties that an introduction created (introductions/record_tie), with that introduction's id.
MATCH (a:Party)-[r:KNOWS]->(b:Party)
WHERE r.introduction IS NOT NULL
RETURN a.id AS source, b.id AS target, r.introduction AS introduction
ORDER BY source, target
