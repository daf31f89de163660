// The graph's version stamp (0 before the first write).
OPTIONAL MATCH (m:Meta {id: 'graph'})
RETURN coalesce(m.version, 0) AS version
