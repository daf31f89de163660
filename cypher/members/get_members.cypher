// Full member records: the given $ids, or (when $ids is null) one page in id order after $after.
MATCH (m:Member)
WHERE ($ids IS NULL OR m.id IN $ids) AND ($after IS NULL OR m.id > $after)
WITH m ORDER BY m.id LIMIT $limit
RETURN m.id AS id, m.name AS name, m.kind AS kind,
       COLLECT { MATCH (m)-[r:IN_SUBSECTOR]->(s:Subsector) RETURN s.id ORDER BY r.rank } AS subsectors,
       COLLECT { MATCH (m)-[r:HAS_SKILL]->(k:Skill) RETURN k.id ORDER BY r.rank } AS skills,
       m.visibility AS visibility, m.city AS city, m.website AS website, m.email AS email,
       m.languages AS languages,
       m.description AS description, m.joined AS joined
ORDER BY id
