// Events the member attended, with the number of attendees but not who they were.
MATCH (m:Member {id: $id})-[:ATTENDED]->(e:Event)
RETURN e.id AS id, e.title AS title, e.date AS date, e.format AS format, e.theme AS theme,
       COUNT { (:Party)-[:ATTENDED]->(e) } AS attendees
ORDER BY date, id
