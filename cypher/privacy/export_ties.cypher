// The member's ties in both directions, with the other party (the service hides private ones).
MATCH (m:Member {id: $id})-[r:KNOWS|COLLABORATED]-(o:Party)
RETURN CASE type(r) WHEN 'KNOWS' THEN 'knows' ELSE 'collaborated' END AS kind,
       coalesce(r.strength, r.weight) AS weight, r.since AS since, r.confirmed AS confirmed,
       startNode(r).id AS recorded_by, startNode(r) = m AS outgoing, r.introduction AS introduction,
       {id: o.id, name: o.name, organisation: o:Organisation, visibility: o.visibility} AS other
