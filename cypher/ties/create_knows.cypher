// Create knows ties known to be new (one side was created by this import, or the graph was
// cleared), as parallel lists: $a[i] knows $b[i] with strength $w[i], since $s[i], confirmed $c[i].
UNWIND range(0, size($a) - 1) AS i
MATCH (a:Party {id: $a[i]})
MATCH (b:Party {id: $b[i]})
CREATE (a)-[:KNOWS {strength: $w[i], since: $s[i], confirmed: $c[i]}]->(b)
