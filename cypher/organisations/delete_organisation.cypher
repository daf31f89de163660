// Delete an organisation with its own relationships (ties, team places, attendance, OFFERS, times
// it was suggested); the members, projects, events and skills stay. Returns 0 or 1.
OPTIONAL MATCH (o:Organisation {id: $id})
DETACH DELETE o
RETURN count(o) AS deleted
