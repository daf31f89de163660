// The required skills of new projects, as parallel lists: project $a[i] requires skill $b[i] at rank $r[i].
UNWIND range(0, size($a) - 1) AS i
MATCH (p:Project {id: $a[i]})
MATCH (k:Skill {id: $b[i]})
CREATE (p)-[:REQUIRES {rank: $r[i]}]->(k)
