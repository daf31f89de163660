// Create collaborated ties known to be new, as parallel lists (see ties/create_knows).
UNWIND range(0, size($a) - 1) AS i
MATCH (a:Party {id: $a[i]})
MATCH (b:Party {id: $b[i]})
CREATE (a)-[:COLLABORATED {weight: $w[i], since: $s[i], confirmed: $c[i]}]->(b)
