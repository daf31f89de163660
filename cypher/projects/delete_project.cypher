// Delete a project or call for tender with its team (WORKED_ON) and required skills (REQUIRES);
// the team's members and the skills stay. Returns 0 or 1.
OPTIONAL MATCH (p:Project {id: $id})
DETACH DELETE p
RETURN count(p) AS deleted
