// Forget every kept map layout: the next map of each is laid out afresh (seeded).
OPTIONAL MATCH (l:MapLayout)
DELETE l
RETURN count(l) AS deleted
