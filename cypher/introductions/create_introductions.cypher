// Create introductions known to be new: the node with its lifecycle, its two members and facilitator.
UNWIND $rows AS row
CREATE (x:Introduction {id: row.id})
SET x += row.props
WITH x, row
CALL (x, row) {
  MATCH (a:Party {id: row.a})
  CREATE (x)-[:INTRODUCES {side: 'a'}]->(a)
}
CALL (x, row) {
  MATCH (b:Party {id: row.b})
  CREATE (x)-[:INTRODUCES {side: 'b'}]->(b)
}
CALL (x, row) {
  MATCH (f:Member {id: row.facilitator})
  CREATE (x)-[:FACILITATED_BY]->(f)
}
