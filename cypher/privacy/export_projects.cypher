// Projects the member worked on, with the size of the team but not who else was on it.
MATCH (m:Member {id: $id})-[w:WORKED_ON]->(p:Project)
RETURN p.id AS id, p.title AS title, p.kind AS kind, p.status AS status, p.client AS client,
       p.start AS start, p.end AS end, w.rank AS position, COUNT { (:Party)-[:WORKED_ON]->(p) } AS team_size
ORDER BY id
