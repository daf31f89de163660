// The skills of new members, as parallel lists: member $a[i] has skill $b[i] at rank $r[i].
UNWIND range(0, size($a) - 1) AS i
MATCH (m:Member {id: $a[i]})
MATCH (k:Skill {id: $b[i]})
CREATE (m)-[:HAS_SKILL {rank: $r[i]}]->(k)
