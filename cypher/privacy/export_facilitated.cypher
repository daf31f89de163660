// Introductions the member facilitated, with the two parties (null for an erased side).
MATCH (x:Introduction)-[:FACILITATED_BY]->(:Member {id: $id})
OPTIONAL MATCH (x)-[:INTRODUCES {side: 'a'}]->(a:Party)
OPTIONAL MATCH (x)-[:INTRODUCES {side: 'b'}]->(b:Party)
RETURN x.id AS id, x.date AS date, x.status AS status,
       CASE WHEN a IS NULL THEN null
            ELSE {id: a.id, name: a.name, organisation: a:Organisation, visibility: a.visibility} END AS a,
       CASE WHEN b IS NULL THEN null
            ELSE {id: b.id, name: b.name, organisation: b:Organisation, visibility: b.visibility} END AS b
ORDER BY date, id
