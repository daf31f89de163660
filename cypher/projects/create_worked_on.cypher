// The teams of new projects, as parallel lists: party $a[i] worked on project $b[i] at rank $r[i].
UNWIND range(0, size($a) - 1) AS i
MATCH (m:Party {id: $a[i]})
MATCH (p:Project {id: $b[i]})
CREATE (m)-[:WORKED_ON {rank: $r[i]}]->(p)
