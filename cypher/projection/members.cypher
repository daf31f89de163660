// Every member as one row (in no order: the caller sorts), for the projection's full read.
MATCH (m:Member)
RETURN m.id AS id, m.name AS name, m.kind AS kind,
       COLLECT { MATCH (m)-[r:IN_SUBSECTOR]->(s:Subsector) RETURN s.id ORDER BY r.rank } AS subsectors,
       COLLECT { MATCH (m)-[r:HAS_SKILL]->(k:Skill) RETURN k.id ORDER BY r.rank } AS skills,
       m.visibility AS visibility, m.city AS city, m.website AS website, m.email AS email,
       m.languages AS languages, m.description AS description, m.joined AS joined
