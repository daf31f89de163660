// Suggestions shown to members (recommendations/record_impressions), with how often and when.
MATCH (m:Member)-[s:SHOWN]->(c:Party)
RETURN m.id AS member, c.id AS shown, s.count AS count, s.first AS first, s.last AS last
ORDER BY member, shown
