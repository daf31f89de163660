MERGE (m:Meta {id: 'graph'})
SET m.version = coalesce(m.version, 0) + 1
