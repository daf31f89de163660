// Put back which introduction created a knows tie; run after the ties are written.
UNWIND $rows AS row
MATCH (a:Party {id: row.source})-[r:KNOWS]-(b:Party {id: row.target})
SET r.introduction = row.introduction
