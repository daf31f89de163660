// Create members known to be new (their ids are in no node yet: a replace, or a merge whose check
// found no stored record) with their subsectors and skills, in one statement: the subsector and
// skill nodes are looked up once per batch ($subsectors, $skills: the ids the batch names) and
// each row names them by position (row.s, row.k: in rank order; rank 0 is the primary subsector).
// A missing one is null, and creating a relationship to it fails the batch.
OPTIONAL MATCH (s:Subsector) WHERE s.id IN $subsectors
WITH collect(s) AS found
WITH [i IN $subsectors | head([s IN found WHERE s.id = i])] AS subs
OPTIONAL MATCH (k:Skill) WHERE k.id IN $skills
WITH subs, collect(k) AS found
WITH subs, [i IN $skills | head([k IN found WHERE k.id = i])] AS skills
UNWIND $rows AS row
CREATE (m:Party:Member {id: row.id})
SET m += row.props
WITH m, row, subs, skills
CALL (m, row, subs) {
  UNWIND range(0, size(row.s) - 1) AS i
  WITH m, subs[row.s[i]] AS s, i
  CREATE (m)-[:IN_SUBSECTOR {rank: i, primary: i = 0}]->(s)
}
CALL (m, row, skills) {
  UNWIND range(0, size(row.k) - 1) AS i
  WITH m, skills[row.k[i]] AS k, i
  CREATE (m)-[:HAS_SKILL {rank: i}]->(k)
}
