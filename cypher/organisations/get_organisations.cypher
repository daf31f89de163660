// Organisations with the given $ids, as whole records (for a merge import to lay its fields over).
MATCH (o:Organisation)
WHERE o.id IN $ids
RETURN o.id AS id, o.name AS name, o.cluster AS cluster, o.city AS city, o.website AS website
ORDER BY id
