// Delete one batch of nodes of any label, with their relationships (tests: back to an empty graph; the schema stays).
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
