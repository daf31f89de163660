// The attendees of new events, as parallel lists: party $a[i] attended event $b[i] at rank $r[i].
UNWIND range(0, size($a) - 1) AS i
MATCH (m:Party {id: $a[i]})
MATCH (e:Event {id: $b[i]})
CREATE (m)-[:ATTENDED {rank: $r[i]}]->(e)
