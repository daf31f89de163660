// Every organisation of the other clusters, for the interchange document, with the skills it offers in order.
MATCH (o:Organisation)
RETURN o.id AS id, o.name AS name, o.cluster AS cluster, o.city AS city, o.website AS website,
       COLLECT { MATCH (o)-[r:OFFERS]->(k:Skill) RETURN k.id ORDER BY r.rank } AS skills
ORDER BY id
