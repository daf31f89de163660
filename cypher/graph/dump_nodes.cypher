// Every node with its labels and properties (tests: a fingerprint of the whole graph).
MATCH (n)
RETURN elementId(n) AS element, labels(n) AS labels, properties(n) AS props
