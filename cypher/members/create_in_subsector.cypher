// The subsectors of new members, as parallel lists: member $a[i] is in subsector $b[i] at rank $r[i]
// (rank 0 is the primary one).
UNWIND range(0, size($a) - 1) AS i
MATCH (m:Member {id: $a[i]})
MATCH (s:Subsector {id: $b[i]})
CREATE (m)-[:IN_SUBSECTOR {rank: $r[i], primary: $r[i] = 0}]->(s)
