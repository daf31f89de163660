// Every tie once, in the direction it was recorded, one page at a time.
MATCH (a:Party)-[r:KNOWS|COLLABORATED]->(b:Party)
WHERE $after IS NULL OR elementId(r) > $after
WITH a, r, b ORDER BY elementId(r) LIMIT $limit
RETURN elementId(r) AS cursor, a.id AS source, b.id AS target,
       CASE type(r) WHEN 'KNOWS' THEN 'knows' ELSE 'collaborated' END AS kind,
       coalesce(r.strength, r.weight) AS weight, r.since AS since, r.confirmed AS confirmed
