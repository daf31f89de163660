// Every relationship with its type, its two ends and its properties (tests: a fingerprint of the whole graph).
MATCH (a)-[r]->(b)
RETURN elementId(a) AS start, elementId(b) AS end, type(r) AS type, properties(r) AS props
