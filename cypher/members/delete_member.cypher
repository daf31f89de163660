// Delete a member node with every relationship it has left (run last in an erasure); returns 0 or 1.
OPTIONAL MATCH (m:Member {id: $id})
DETACH DELETE m
RETURN count(m) AS deleted
