// Every property key found on relationships of each type, to check that a backup covers them all.
MATCH ()-[r]->()
UNWIND keys(r) AS key
RETURN DISTINCT type(r) AS type, key
ORDER BY type, key
