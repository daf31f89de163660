// Write collaborated ties; undirected in meaning, MERGE matches either direction so re-imports change nothing.
UNWIND $rows AS row
MATCH (a:Party {id: row.source})
MATCH (b:Party {id: row.target})
MERGE (a)-[r:COLLABORATED]-(b)
SET r.weight = row.weight, r.since = row.since, r.confirmed = row.confirmed
