// Delete an event and its attendance (ATTENDED); the attendees stay. Returns 0 or 1.
OPTIONAL MATCH (e:Event {id: $id})
DETACH DELETE e
RETURN count(e) AS deleted
