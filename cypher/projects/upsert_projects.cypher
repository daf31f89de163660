// Create or update projects; required skills and team are set to exactly those given (in order).
UNWIND $rows AS row
MERGE (p:Project {id: row.id})
SET p += row.props
WITH p, row
CALL (p) { MATCH (p)-[old:REQUIRES]->() DELETE old }
CALL (p) { MATCH ()-[old:WORKED_ON]->(p) DELETE old }
CALL (p, row) {
  UNWIND range(0, size(row.requires) - 1) AS i
  MATCH (k:Skill {id: row.requires[i]})
  MERGE (p)-[r:REQUIRES]->(k)
  SET r.rank = i
}
CALL (p, row) {
  UNWIND range(0, size(row.team) - 1) AS i
  MATCH (m:Party {id: row.team[i]})
  MERGE (m)-[r:WORKED_ON]->(p)
  SET r.rank = i
}
