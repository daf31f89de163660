// The graph's version stamp: bumped by every write so the in-memory projection can refresh.
MERGE (m:Meta {id: 'graph'})
ON CREATE SET m.version = 0
