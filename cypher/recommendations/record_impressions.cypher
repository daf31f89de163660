// Remember that these suggestions were shown to the member (for ranking down those ignored).
MATCH (m:Member {id: $member})
UNWIND $shown AS cid
MATCH (c:Party {id: cid})
MERGE (m)-[s:SHOWN]->(c)
ON CREATE SET s.count = 1, s.first = $today, s.last = $today
ON MATCH SET s.count = s.count + 1, s.last = $today
