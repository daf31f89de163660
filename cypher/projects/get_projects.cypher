// Projects (all when $ids is null), with required skills and team in their recorded order.
MATCH (p:Project)
WHERE ($ids IS NULL OR p.id IN $ids)
  AND ($status IS NULL OR p.status = $status)
  AND ($kind IS NULL OR p.kind = $kind)
RETURN p.id AS id, p.title AS title, p.kind AS kind,
       COLLECT { MATCH (p)-[r:REQUIRES]->(k:Skill) RETURN k.id ORDER BY r.rank } AS requires,
       COLLECT { MATCH (m:Party)-[r:WORKED_ON]->(p) RETURN m.id ORDER BY r.rank } AS team,
       p.client AS client, p.status AS status, p.start AS start, p.end AS end
ORDER BY id
