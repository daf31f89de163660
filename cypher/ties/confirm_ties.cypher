// Confirm the ties of the given $types between $member and $other (the recorder stays the start node).
MATCH (:Member {id: $member})-[r:KNOWS|COLLABORATED]-(:Party {id: $other})
WHERE type(r) IN $types
SET r.confirmed = true
