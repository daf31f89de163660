// The ids of every member and organisation that start with $prefix ('' for all), in id order.
MATCH (p:Party)
WHERE p.id STARTS WITH $prefix
RETURN p.id AS id
ORDER BY id
