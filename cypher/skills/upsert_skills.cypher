// Write skills (MERGE on id) and replace each one's subsector (OF_SUBSECTOR).
UNWIND $rows AS row
MERGE (s:Skill {id: row.id})
SET s.name = row.name, s.cross_cutting = row.subsector IS NULL
WITH s, row
CALL (s) { MATCH (s)-[old:OF_SUBSECTOR]->() DELETE old }
CALL (s, row) {
  MATCH (sub:Subsector {id: row.subsector})
  MERGE (s)-[:OF_SUBSECTOR]->(sub)
}
