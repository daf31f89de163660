// Delete one batch of the cluster's nodes (everything but the built-in subsectors and the version stamp),
// with the introductions' mail records and used answer links.
MATCH (n)
WHERE n:Party OR n:Skill OR n:Project OR n:Event OR n:Introduction OR n:IntroductionMail OR n:AnswerLink
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
