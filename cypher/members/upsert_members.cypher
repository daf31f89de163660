// Create or update members; their subsectors and skills are set to exactly those given (in order).
UNWIND $rows AS row
MERGE (m:Party {id: row.id})
SET m:Member
SET m += row.props
WITH m, row
CALL (m) { MATCH (m)-[old:IN_SUBSECTOR|HAS_SKILL]->() DELETE old }
CALL (m, row) {
  UNWIND range(0, size(row.subsectors) - 1) AS i
  MATCH (s:Subsector {id: row.subsectors[i]})
  MERGE (m)-[r:IN_SUBSECTOR]->(s)
  SET r.rank = i, r.primary = (i = 0)
}
CALL (m, row) {
  UNWIND range(0, size(row.skills) - 1) AS i
  MATCH (k:Skill {id: row.skills[i]})
  MERGE (m)-[r:HAS_SKILL]->(k)
  SET r.rank = i
}
