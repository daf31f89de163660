// Create or update introductions: the node with its lifecycle, its two members and facilitator.
UNWIND $rows AS row
MERGE (x:Introduction {id: row.id})
SET x += row.props
WITH x, row
CALL (x) { MATCH (x)-[old:INTRODUCES|FACILITATED_BY]->() DELETE old }
CALL (x, row) {
  MATCH (a:Party {id: row.a})
  MERGE (x)-[:INTRODUCES {side: 'a'}]->(a)
}
CALL (x, row) {
  MATCH (b:Party {id: row.b})
  MERGE (x)-[:INTRODUCES {side: 'b'}]->(b)
}
CALL (x, row) {
  MATCH (f:Member {id: row.facilitator})
  MERGE (x)-[:FACILITATED_BY]->(f)
}
