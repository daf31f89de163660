// Put back the suggestions shown to members: counts and dates are set, not added, so a re-run changes nothing.
UNWIND $rows AS row
MATCH (m:Member {id: row.member})
MATCH (c:Party {id: row.shown})
MERGE (m)-[s:SHOWN]->(c)
SET s.count = row.count, s.first = date(row.first), s.last = date(row.last)
