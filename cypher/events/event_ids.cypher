// The ids of the events that start with $prefix (to number a new event).
MATCH (e:Event)
WHERE e.id STARTS WITH $prefix
RETURN e.id AS id
