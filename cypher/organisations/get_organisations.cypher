// Organisations with the given $ids, as whole records (for a merge import to lay its fields over).
MATCH (o:Organisation)
WHERE o.id IN $ids
RETURN o.id AS id, o.name AS name, o.cluster AS cluster, o.city AS city, o.website AS website,
       COLLECT { MATCH (o)-[r:OFFERS]->(k:Skill) RETURN k.id ORDER BY r.rank } AS skills
ORDER BY id
