// Delete a member and its relationships; returns how many were deleted (0 or 1).
OPTIONAL MATCH (m:Member {id: $id})
DETACH DELETE m
RETURN count(m) AS deleted
