// Write organisations of the other clusters (MERGE on the party id); the skills each offers are
// set to exactly those given, in order (OFFERS {rank}).
UNWIND $rows AS row
MERGE (o:Party {id: row.id})
SET o:Organisation
SET o += row.props
WITH o, row
CALL (o) { MATCH (o)-[old:OFFERS]->() DELETE old }
CALL (o, row) {
  UNWIND range(0, size(row.skills) - 1) AS i
  MATCH (k:Skill {id: row.skills[i]})
  MERGE (o)-[r:OFFERS]->(k)
  SET r.rank = i
}
