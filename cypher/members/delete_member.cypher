// Delete a member, its relationships and the introductions it took part in; returns 0 or 1.
OPTIONAL MATCH (m:Member {id: $id})
CALL (m) {
  MATCH (x:Introduction)-[:INTRODUCES]->(m)
  DETACH DELETE x
}
DETACH DELETE m
RETURN count(m) AS deleted
