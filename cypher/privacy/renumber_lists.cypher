// Close the gaps a member leaves in project teams and event attendee lists: ranks 0, 1, ... again without it.
MATCH (m:Member {id: $id})
CALL (m) {
  MATCH (m)-[:WORKED_ON]->(p:Project)
  CALL (m, p) {
    MATCH (q:Party)-[r:WORKED_ON]->(p)
    WHERE q <> m
    WITH r ORDER BY r.rank
    WITH collect(r) AS ranked
    UNWIND range(0, size(ranked) - 1) AS i
    WITH ranked[i] AS r, i
    SET r.rank = i
  }
}
CALL (m) {
  MATCH (m)-[:ATTENDED]->(e:Event)
  CALL (m, e) {
    MATCH (q:Party)-[r:ATTENDED]->(e)
    WHERE q <> m
    WITH r ORDER BY r.rank
    WITH collect(r) AS ranked
    UNWIND range(0, size(ranked) - 1) AS i
    WITH ranked[i] AS r, i
    SET r.rank = i
  }
}
