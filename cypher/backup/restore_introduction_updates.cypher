// Put back when each introduction was last changed; run after the introductions are written.
UNWIND $rows AS row
MATCH (x:Introduction {id: row.id})
SET x.updated = date(row.updated)
