// Every property key found on nodes of each label, to check that a backup covers them all.
MATCH (n)
UNWIND labels(n) AS label
UNWIND keys(n) AS key
RETURN DISTINCT label, key
ORDER BY label, key
