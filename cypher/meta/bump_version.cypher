// Add 1 to the graph's version stamp (run in every write transaction).
MERGE (m:Meta {id: 'graph'})
SET m.version = coalesce(m.version, 0) + 1
