// Delete one batch of the relationships of the cluster's nodes (before the nodes themselves, so a
// node with thousands of relationships, such as a large event, never has to go in one transaction).
MATCH (n)-[r]-()
WHERE n:Party OR n:Skill OR n:Project OR n:Event OR n:Introduction
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted
