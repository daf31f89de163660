// The ids of the projects and calls for tender that start with $prefix (to number a new one).
MATCH (p:Project)
WHERE p.id STARTS WITH $prefix
RETURN p.id AS id
