// Withdraw (delete) the ties of the given $types between $member and $other; returns how many.
MATCH (:Member {id: $member})-[r:KNOWS|COLLABORATED]-(:Party {id: $other})
WHERE type(r) IN $types
DELETE r
RETURN count(*) AS deleted
