// A member's ties in both directions (only those with $other when it is not null), with who recorded each.
MATCH (m:Member {id: $member})-[r:KNOWS|COLLABORATED]-(o:Party)
WHERE $other IS NULL OR o.id = $other
RETURN o.id AS other, o.name AS name, CASE WHEN o:Member THEN 'member' ELSE 'organisation' END AS party,
       CASE type(r) WHEN 'KNOWS' THEN 'knows' ELSE 'collaborated' END AS kind,
       coalesce(r.strength, r.weight) AS weight, r.since AS since, coalesce(r.confirmed, true) AS confirmed,
       startNode(r).id AS recorded_by
ORDER BY other, kind
