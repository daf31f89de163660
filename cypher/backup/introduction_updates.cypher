// When each introduction was last changed (not part of the interchange document).
MATCH (x:Introduction)
WHERE x.updated IS NOT NULL
RETURN x.id AS id, x.updated AS updated
ORDER BY id
