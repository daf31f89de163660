// Write events (MERGE on id) and replace each one's attendees (ATTENDED, in list order).
UNWIND $rows AS row
MERGE (e:Event {id: row.id})
SET e += row.props
WITH e, row
CALL (e) { MATCH ()-[old:ATTENDED]->(e) DELETE old }
CALL (e, row) {
  UNWIND range(0, size(row.attendees) - 1) AS i
  MATCH (m:Party {id: row.attendees[i]})
  MERGE (m)-[r:ATTENDED]->(e)
  SET r.rank = i
}
