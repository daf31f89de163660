// Delete one batch of the cluster's nodes (everything but the built-in subsectors and the version stamp).
MATCH (n)
WHERE n:Party OR n:Skill OR n:Project OR n:Event OR n:Introduction
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
